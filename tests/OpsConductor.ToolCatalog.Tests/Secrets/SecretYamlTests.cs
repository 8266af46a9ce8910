using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Tests.Secrets;

/// <summary>The <c>!secret</c> marker in tool files: where it may stand, how it reads and writes, and the warning for
/// credentials left unmarked.</summary>
public sealed class SecretYamlTests
{
    private const string Value = "pl41n-t3xt-VALUE-0451";

    private static readonly ToolYamlReader Reader = new();
    private static readonly ToolValidator Lenient = new(ValidationOptions.Lenient);

    /// <summary>A valid tool file with a secret in its metadata and one in an input's default.</summary>
    private static string FileWithSecrets()
    {
        var tool = RichTools.Create() with { Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(Value)))) };
        return ToolYamlWriter.Write(tool);
    }

    [Test]
    public void A_secret_in_metadata_reads_as_a_secret_that_never_shows_its_value_as_text()
    {
        var yaml = FileWithSecrets();
        Assert.That(yaml, Does.Contain($"token: !secret \"{Value}\""), "a tool built with a plaintext secret writes it tagged");

        var document = Reader.Read(yaml, "tool.yaml");
        var token = document.Tools.Single().Metadata["token"];

        Assert.That(token.Kind, Is.EqualTo(DataKind.Secret));
        Assert.That(token.AsSecret().IsPlaintext, Is.True);
        Assert.That(token.ToString(), Is.EqualTo(SecretValue.Mask));
        Assert.That(document.Tools.Single().ToString(), Does.Not.Contain(Value));
        Assert.That(ToolJson.ToJson(document.Tools.Single()), Does.Not.Contain(Value).And.Contain("\"$secret\": \"********\""));
    }

    [Test]
    public void A_secret_anywhere_in_free_form_data_is_allowed()
    {
        var yaml = FileWithSecrets() + "x-vendor:\n  deep:\n    - !secret \"another\"\n";
        var document = Reader.Read(yaml, "tool.yaml");
        var report = Lenient.Validate(document);

        Assert.That(document.ParseErrors, Is.Empty);
        Assert.That(report.Errors.Where(f => f.Code == ValidationCodes.SecretMisplaced), Is.Empty, string.Join("\n", report.Errors));
        Assert.That(document.Tools.Single().Extensions["x-vendor"].AsMap()["deep"].AsList()[0].IsSecret, Is.True);
    }

    [Test]
    public void A_secret_on_a_field_the_catalog_interprets_is_an_error_naming_the_path_and_the_rule()
    {
        var yaml = FileWithSecrets().Replace("platform: \"kubernetes\"", "platform: !secret \"kubernetes\"", StringComparison.Ordinal);
        Assert.That(yaml, Does.Contain("platform: !secret"));

        var report = Lenient.Validate(Reader.Read(yaml, "tool.yaml"));
        var error = report.Errors.Single(f => f.Code == ValidationCodes.SecretMisplaced);

        Assert.That(error.Path, Is.EqualTo("platform"));
        Assert.That(error.Message, Does.Contain("free-form data"));
        Assert.That(error.Line, Is.Not.Null);
    }

    [Test]
    public void A_secret_on_a_pattern_estimate_is_an_error_at_its_path()
    {
        var yaml = FileWithSecrets();
        var at = yaml.IndexOf("time_estimate_ms: ", StringComparison.Ordinal);
        var end = yaml.IndexOf('\n', at);
        yaml = string.Concat(yaml.AsSpan(0, at), "time_estimate_ms: !secret \"100\"", yaml.AsSpan(end));

        var report = Lenient.Validate(Reader.Read(yaml, "tool.yaml"));

        Assert.That(report.Errors.Select(f => (f.Code, f.Path)), Does.Contain((ValidationCodes.SecretMisplaced, "capabilities.zeta_first.patterns.omega.time_estimate_ms")));
    }

    [Test]
    public void The_secret_tag_on_a_mapping_is_refused_when_read()
    {
        var document = Reader.Read(FileWithSecrets() + "x-vendor: !secret\n  a: b\n", "tool.yaml");

        Assert.That(document.ParseErrors.Select(f => (f.Code, f.Path)), Does.Contain((ValidationCodes.SecretMisplaced, "x-vendor")));
    }

    [TestCase("password", "hunter2-hunter2")]
    [TestCase("api_key", "abc123")]
    [TestCase("db_password", "hunter2-hunter2")]
    [TestCase("client-secret", "abc123")]
    [TestCase("note", "AKIAIOSFODNN7EXAMPLE")]
    [TestCase("note", "ghp_abcdefghijklmnopqrstuvwxyz0123")]
    [TestCase("note", "xoxb-1234567890-abcdefghij")]
    [TestCase("note", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...")]
    [TestCase("note", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    public void A_credential_looking_value_not_marked_secret_is_a_warning_naming_the_path(string key, string value)
    {
        var tool = RichTools.Create() with { Metadata = DataMap.Create((key, value)) };
        var report = Lenient.Validate(Reader.Read(ToolYamlWriter.Write(tool), "tool.yaml"));

        var warning = report.Warnings.Single(f => f.Code == ValidationCodes.UnmarkedCredential);
        Assert.That(warning.Path, Is.EqualTo($"metadata.{key}"));
        Assert.That(warning.Message, Does.Contain("not marked secret").And.Not.Contain(value));
    }

    [TestCase("password", "${DB_PASSWORD}")]
    [TestCase("description", "rotates the token every hour")]
    [TestCase("secret_path", "apps/checkout/db-password")]
    [TestCase("token_ttl", "3600")]
    [TestCase("password_policy", "min-length-16")]
    public void Placeholders_prose_and_keys_that_only_qualify_a_credential_are_not_credentials(string key, string value)
    {
        var tool = RichTools.Create() with { Metadata = DataMap.Create((key, value)) };
        var report = Lenient.Validate(Reader.Read(ToolYamlWriter.Write(tool), "tool.yaml"));

        Assert.That(report.Warnings.Where(f => f.Code == ValidationCodes.UnmarkedCredential), Is.Empty);
    }

    [Test]
    public void A_credential_marked_secret_is_not_warned_about()
    {
        var report = Lenient.Validate(Reader.Read(FileWithSecrets().Replace("token:", "password:", StringComparison.Ordinal), "tool.yaml"));

        Assert.That(report.Warnings.Where(f => f.Code == ValidationCodes.UnmarkedCredential), Is.Empty);
    }

    [Test]
    public void The_mask_reads_back_as_the_mask()
    {
        var document = Reader.Read(FileWithSecrets().Replace(Value, SecretValue.Mask, StringComparison.Ordinal), "tool.yaml");

        Assert.That(document.Tools.Single().Metadata["token"].AsSecret().IsMasked, Is.True);
    }

    [Test]
    public void The_json_form_of_a_secret_reads_as_a_secret_as_the_api_shows_it_to_admins()
    {
        var yaml = FileWithSecrets().Replace($"token: !secret \"{Value}\"", $"token: {{\"$secret\": \"{Value}\"}}", StringComparison.Ordinal);
        Assert.That(yaml, Does.Contain("\"$secret\""));

        var token = Reader.Read(yaml, "tool.json").Tools.Single().Metadata["token"];

        Assert.That(token.IsSecret, Is.True);
        Assert.That(token.AsSecret().Plaintext, Is.EqualTo(Value));
    }

    [Test]
    public void The_json_form_of_a_secret_on_a_field_the_catalog_interprets_is_an_error()
    {
        var yaml = FileWithSecrets().Replace("platform: \"kubernetes\"", "platform: {\"$secret\": \"kubernetes\"}", StringComparison.Ordinal);

        var report = Lenient.Validate(Reader.Read(yaml, "tool.yaml"));

        Assert.That(report.Errors.Select(f => (f.Code, f.Path)), Does.Contain((ValidationCodes.SecretMisplaced, "platform")));
    }
}
