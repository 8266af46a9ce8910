using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// The selection path that shows its work (the REST API's select and the admin UI's playground both use it), the wire
/// names they show, and the audit filter's vocabulary: one source in the library for the server and the UI.
/// </summary>
public sealed class SelectionPathTests
{
    private static readonly ToolSelector Selector = new();
    private static CatalogSnapshot _samples = null!;

    [OneTimeSetUp]
    public static void LoadSamples()
    {
        var set = new CatalogFiles().Load(TestPaths.SampleTools);
        Assert.That(set.IsValid, Is.True);
        _samples = CatalogSnapshot.Create(set.Tools, 0, CatalogSource.Yaml, DateTimeOffset.UnixEpoch, keepFileOrder: true);
    }

    [Test]
    public async Task Nothing_viable_is_answered_with_the_evaluation_and_why_not_an_exception()
    {
        var outcome = await Selector.SelectOrEvaluateAsync(_samples, new SelectionRequest
        {
            Capabilities = ["service_restart"],
            Variables = new Dictionary<string, double> { ["N"] = 5 },
            CostLimit = 0,
        });

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Selected, Is.Null);
            Assert.That(outcome.Error, Is.Not.Null.And.Not.Empty);
            Assert.That(outcome.Evaluation.Excluded, Is.Not.Empty);
            Assert.That(outcome.Evaluation.Excluded.Select(e => e.Rule.ToWire()), Has.Some.EqualTo("cost_limit"));
        });
    }

    [Test]
    public async Task A_viable_request_is_chosen_with_its_evaluation()
    {
        var outcome = await Selector.SelectOrEvaluateAsync(_samples, new SelectionRequest
        {
            Capabilities = ["service_restart"],
            Variables = new Dictionary<string, double> { ["N"] = 5 },
        });

        Assert.That(outcome.Selected, Is.Not.Null);
        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.Evaluation.Ranked[0], Is.SameAs(outcome.Selected!.Evaluation.Ranked[0]));
    }

    [Test]
    public void An_invalid_request_is_refused_naming_its_field_as_a_request_body_spells_it()
    {
        var error = Assert.ThrowsAsync<InvalidSelectionRequestException>(async () => await Selector.SelectOrEvaluateAsync(_samples, new SelectionRequest
        {
            Capabilities = ["service_restart"],
            Variables = new Dictionary<string, double> { ["N"] = -5 },
        }))!;

        Assert.That(error.Field, Is.EqualTo("Variables[\"N\"]"));
        Assert.That(error.WireField, Is.EqualTo("variables.N"));
    }

    [TestCase("CostLimit", "cost_limit")]
    [TestCase("ExplicitMode", "mode")]
    [TestCase("Capabilities[0]", "capabilities[0]")]
    [TestCase("Environment", "environment")]
    public void Request_fields_have_their_wire_names(string field, string wire) =>
        Assert.That(new InvalidSelectionRequestException(field, "x", "rule").WireField, Is.EqualTo(wire));

    [TestCase("2026-12-02", "2026-12-02T00:00:00+00:00")]
    [TestCase("2026-12-02T17:30:00Z", "2026-12-02T17:30:00+00:00")]
    [TestCase("2026-12-02T17:30:00+01:00", "2026-12-02T16:30:00+00:00")]
    public void Audit_filter_instants_are_ISO_8601_and_UTC_without_an_offset(string text, string expected)
    {
        Assert.That(AuditQuery.TryParseInstant(text, out var value), Is.True);
        Assert.That(value!.Value.ToUniversalTime(), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("yesterday")]
    [TestCase("12/02/2026")]
    [TestCase("2026-13-45")]
    public void Other_texts_are_not_audit_filter_instants(string text) =>
        Assert.That(AuditQuery.TryParseInstant(text, out _), Is.False);

    [Test]
    public void The_audit_actions_are_the_ten_the_store_writes()
    {
        Assert.That(AuditActions.All, Is.EqualTo(new[] { "created", "published", "updated", "enabled", "disabled", "deprecated", "rolled_back", "deleted", "hard_deleted", "restored" }));
    }
}
