using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog secrets</c>, and secrets through <c>import</c>/<c>export</c>, against a real test database.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class SecretsCommandTests
{
    private const string Value = "cli-s3cret-41d0aa";

    private TestDatabase _db = null!;
    private string _folder = null!;

    private string KeyRing => Path.Combine(_folder, "ring.json");

    private Dictionary<string, string> Env => new()
    {
        ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString,
        [SecretKeyRing.PathVariable] = KeyRing,
    };

    [SetUp]
    public async Task CreateDatabaseAndFiles()
    {
        _db = await TestDatabase.CreateAsync();
        _folder = Directory.CreateTempSubdirectory("toolcatalog-secrets-").FullName;
        var tools = Directory.CreateDirectory(Path.Combine(_folder, "tools")).FullName;
        var tool = GeneratedTools.Create(0, prefix: "vault") with { Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(Value)))) };
        await File.WriteAllTextAsync(Path.Combine(tools, "vault.yaml"), ToolYamlWriter.Write(tool));
    }

    [TearDown]
    public async Task DropDatabase()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Import_without_a_key_ring_is_refused_and_stores_nothing()
    {
        var result = await CliHarness.RunAsync(Env, "import", Path.Combine(_folder, "tools"));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(result.Output + result.Error, Does.Contain("metadata.token").And.Contain("no secrets key").And.Not.Contain(Value));
        Assert.That(await _db.CreateStore().ExportAsync(), Is.Empty);
    }

    [Test]
    public async Task Export_masks_secrets_unless_asked_to_include_them()
    {
        Assert.That((await CliHarness.RunAsync(Env, "secrets", "init")).ExitCode, Is.EqualTo(0));
        var imported = await CliHarness.RunAsync(Env, "import", Path.Combine(_folder, "tools"));
        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.Output + imported.Error);

        var masked = await CliHarness.RunAsync(Env, "export", Path.Combine(_folder, "masked"));
        var plain = await CliHarness.RunAsync(Env, "export", Path.Combine(_folder, "plain"), "--include-secrets");
        var show = await CliHarness.RunAsync(Env, "show", "vault-00000", "--format", "json");

        Assert.That(masked.ExitCode + plain.ExitCode + show.ExitCode, Is.Zero, masked.Error + plain.Error + show.Error);
        var maskedText = string.Concat(Directory.GetFiles(Path.Combine(_folder, "masked"), "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText));
        var plainText = string.Concat(Directory.GetFiles(Path.Combine(_folder, "plain"), "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.That(maskedText, Does.Contain("token: !secret \"********\"").And.Not.Contain(Value));
        Assert.That(plainText, Does.Contain($"token: !secret \"{Value}\""));
        Assert.That(show.Output, Does.Not.Contain(Value));

        var reimported = await CliHarness.RunAsync(Env, "import", Path.Combine(_folder, "masked"));
        Assert.That(reimported.ExitCode, Is.EqualTo(0), reimported.Output + reimported.Error);
        Assert.That(reimported.Output, Does.Contain("1 unchanged"));
    }

    [Test]
    public async Task Retire_is_refused_while_a_stored_value_uses_the_key_and_allowed_after_a_rotation()
    {
        await CliHarness.RunAsync(Env, "secrets", "init");
        var first = SecretKeyRing.Load(KeyRing).CurrentKeyId;
        await CliHarness.RunAsync(Env, "import", Path.Combine(_folder, "tools"));
        SecretKeyRing.Load(KeyRing).WithNewKey(TimeProvider.System).Save(KeyRing); // a new key, values not yet re-wrapped

        var refused = await CliHarness.RunAsync(Env, "secrets", "retire", first);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain($"key {first} still wraps 1 stored secret value(s)"));

        var rotated = await CliHarness.RunAsync(Env, "secrets", "rotate");
        Assert.That(rotated.ExitCode, Is.EqualTo(0), rotated.Error);
        Assert.That(rotated.Output, Does.Contain("re-wrapped 1 secret value(s) in 1 tool version(s)"));

        var status = await CliHarness.RunAsync(Env, "secrets", "status");
        Assert.That(status.Output, Does.Contain($"  {first}  created").And.Contain("current  1 value(s)"));

        var retired = await CliHarness.RunAsync(Env, "secrets", "retire", first);
        Assert.That(retired.ExitCode, Is.EqualTo(0), retired.Error);
        Assert.That(SecretKeyRing.Load(KeyRing).Keys.Single(k => k.KeyId == first).Retired, Is.Not.Null);

        var plain = await CliHarness.RunAsync(Env, "export", Path.Combine(_folder, "after"), "--include-secrets");
        Assert.That(plain.ExitCode, Is.EqualTo(0), plain.Error);
        Assert.That(string.Concat(Directory.GetFiles(Path.Combine(_folder, "after"), "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText)), Does.Contain(Value));
    }
}
