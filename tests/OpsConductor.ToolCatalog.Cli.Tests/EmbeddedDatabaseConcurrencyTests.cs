using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>Several commands starting together on a new data folder, as a user's scripts (or the tests) do.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class EmbeddedDatabaseConcurrencyTests
{
    [Test]
    public async Task Commands_started_together_on_a_new_private_server_all_get_its_database()
    {
        var dataDirectory = Path.Combine(CliTestData.NewFolder("together"), "data");
        var env = new Dictionary<string, string> { ["TOOLCATALOG_DATA_DIR"] = dataDirectory };
        try
        {
            // Each creates the catalog database if it is missing; PostgreSQL reports the loser of a simultaneous
            // CREATE DATABASE as a unique violation (23505), not as a duplicate database (42P04).
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CliHarness.RunAsync(env, "list", "--format", "json")));

            Assert.That(results.Select(r => r.ExitCode), Is.All.EqualTo(0), string.Join("\n", results.Select(r => r.Error)));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await LocalPostgresServer.StopPersistentAsync(Path.Combine(dataDirectory, "pg"));
        }
    }
}
