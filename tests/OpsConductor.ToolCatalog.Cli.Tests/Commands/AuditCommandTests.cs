using System.Text.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog audit verify</c> against a real database holding the samples.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class AuditCommandTests
{
    [Test]
    public async Task An_untouched_log_is_intact_and_a_changed_row_fails_with_its_position_and_the_recorded_head_checked()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
        var imported = await CliHarness.RunAsync(env, "import", CliPaths.Samples);
        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.Error);

        var intact = await CliHarness.RunAsync(env, "audit", "verify", "--format", "json");
        Assert.That(intact.ExitCode, Is.EqualTo(0), intact.Error);
        var report = JsonDocument.Parse(intact.Output).RootElement;
        Assert.That(report.GetProperty("intact").GetBoolean(), Is.True);
        var rows = report.GetProperty("rows").GetInt64();
        var head = report.GetProperty("head").GetString()!;
        Assert.That(head, Does.StartWith($"{rows}:"));

        await using (var tamper = db.DataSource.CreateCommand("""
            BEGIN;
            ALTER TABLE tool_catalog.tool_audit_log DISABLE TRIGGER USER;
            UPDATE tool_catalog.tool_audit_log SET reason = 'nothing to see' WHERE chain_position = 2;
            ALTER TABLE tool_catalog.tool_audit_log ENABLE TRIGGER USER;
            COMMIT;
            """))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var broken = await CliHarness.RunAsync(env, "audit", "verify", "--expect-head", head);
        Assert.That(broken.ExitCode, Is.EqualTo(1));
        Assert.That(broken.Output, Does.Contain("problem: audit row").And.Contain("at position 2 was changed after it was written"));
        Assert.That(broken.Output, Does.Contain("The audit log is NOT intact: 1 problem(s)"));
        Assert.That(broken.Output, Does.Contain($"Head: {head}"), "the head itself is still there");
    }

    [TestCase("7:abc")]
    [TestCase("9999999999999999999:0000000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("0:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_malformed_expected_head_is_a_usage_error_naming_the_option(string head)
    {
        var result = await CliHarness.RunAsync("audit", "verify", "--expect-head", head);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain($"--expect-head '{head}': must be POSITION:HASH"));
    }
}
