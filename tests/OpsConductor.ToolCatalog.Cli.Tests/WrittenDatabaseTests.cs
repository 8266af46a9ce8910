using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Cli.Commands;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>Every write verb says which server and database it wrote to (<c>host:port/database</c>), never the password.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class WrittenDatabaseTests
{
    /// <summary>What the verbs should print for a single-host connection string, worked out here on its own.</summary>
    internal static string LocationOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    [Test]
    public async Task Every_write_verb_ends_with_the_server_and_database_it_wrote_to_and_never_the_password()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
        var newTool = Path.Combine(CliTestData.NewFolder("written-new"), "probe.yaml");
        string[][] writes =
        [
            ["migrate"],
            ["import", Path.Combine(CliPaths.Samples, "linux")],
            ["disable", "grep"],
            ["enable", "grep"],
            ["deprecate", "tail"],
            ["bulk-update", "--filter", "name=df", "--set", "metadata.owner=ops"],
            ["rollback", "df", "--to", "1.0"],
            ["delete", "free"],
            ["new", "--non-interactive", "--from-template", "linux", "--name", "probe", "--description", "A probe.", "--capability", "probing", "--output", newTool, "--import"],
            ["bulk-update", "--filter", "name=nothing-matches", "--set", "metadata.owner=ops"],
        ];

        foreach (var args in writes)
        {
            var result = await CliHarness.RunAsync(env, args);

            Assert.That(result.ExitCode, Is.EqualTo(0), $"{string.Join(' ', args)}: {result.Error}");
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(lines[^1], Is.EqualTo($"Database: {LocationOf(db.ConnectionString)}."), string.Join(' ', args));
            Assert.That(result.Output + result.Error, Does.Not.Contain(new NpgsqlConnectionStringBuilder(db.ConnectionString).Password), string.Join(' ', args));
        }
    }

    [Test]
    public async Task Json_output_of_the_write_verbs_names_the_database_in_a_field_and_stays_one_json_document()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

        var import = await CliHarness.RunAsync(env, "import", Path.Combine(CliPaths.Samples, "network"), "--format", "json");
        var bulk = await CliHarness.RunAsync(env, "bulk-update", "--filter", "platform=network", "--set", "metadata.owner=ops", "--format", "json");
        var none = await CliHarness.RunAsync(env, "bulk-update", "--filter", "platform=nowhere", "--set", "metadata.owner=ops", "--format", "json");

        foreach (var result in new[] { import, bulk, none })
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            using var json = JsonDocument.Parse(result.Output);
            Assert.That(json.RootElement.GetProperty("database").GetString(), Is.EqualTo(LocationOf(db.ConnectionString)));
        }
    }

    [TestCase("Host=db1;Username=u;Password=secret;Database=catalog", "db1:5432/catalog")]
    [TestCase("Host=db1:5433,db2;Port=6000;Username=u;Password=secret;Database=catalog", "db1:5433,db2:6000/catalog")]
    [TestCase("Host=db1;Port=5444;Username=ops;Password=secret", "db1:5444/ops")]
    public void The_location_is_host_port_and_database_with_postgres_defaults_and_no_secret(string connectionString, string expected)
    {
        Assert.That(StoreCommandSupport.DatabaseLocation(connectionString), Is.EqualTo(expected));
    }
}
