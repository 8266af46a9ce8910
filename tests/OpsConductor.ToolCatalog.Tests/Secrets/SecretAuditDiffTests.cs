using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Tests.Secrets;

/// <summary>The audit's field diff never carries a secret's value or envelope, also inside a list diffed as a whole.</summary>
public sealed class SecretAuditDiffTests
{
    private const string Envelope = "{\"kid\":\"k1\",\"dek\":\"d2VrZXk=\",\"iv\":\"aXY=\",\"ct\":\"Y2lwaGVy\",\"tag\":\"dGFn\"}";

    [Test]
    public void A_secret_inside_a_changed_list_shows_as_the_mask()
    {
        var before = JsonNode.Parse("{\"inputs\": {\"examples\": [{\"$secret\": " + Envelope + "}, \"a\"]}}")!.AsObject();
        var after = JsonNode.Parse("{\"inputs\": {\"examples\": [{\"$secret\": " + Envelope + "}, \"b\"]}}")!.AsObject();

        var diff = JsonDiff.Compute(before, after).ToJsonString();

        Assert.That(diff, Does.Not.Contain("Y2lwaGVy").And.Not.Contain("$secret"));
        Assert.That(diff, Does.Contain(SecretValue.Mask).And.Contain("\"b\""));
    }
}
