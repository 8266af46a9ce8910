using System.Text.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog backup</c> and <c>toolcatalog restore</c> against real databases holding the samples.</summary>
/// <remarks>
/// The tests run one at a time. <see cref="_unwritten"/>, an empty catalog, is shared by the two refusals, which must
/// write nothing (the restore of a damaged archive, the restore of a missing one); the first needs the catalog empty
/// (a restore refuses a catalog that is not), so a write by the other would make it fail, never pass.
/// </remarks>
[Parallelizable(ParallelScope.Self)]
public sealed class BackupCommandTests
{
    private TestDatabase _unwritten = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _unwritten = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _unwritten.DisposeAsync();

    private static Dictionary<string, string> Env(TestDatabase db) => new() { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

    private static async Task<CliHarness.Result> RunOkAsync(Dictionary<string, string> env, params string[] args)
    {
        var result = await CliHarness.RunAsync(env, args);
        Assert.That(result.ExitCode, Is.EqualTo(0), $"{string.Join(' ', args)}: {result.Error}");
        return result;
    }

    private static Dictionary<string, byte[]> Files(string directory) => Directory
        .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllBytes);

    [Test]
    public async Task Backup_then_restore_into_an_empty_database_exports_byte_identical_files_and_the_same_audit_head()
    {
        var work = Directory.CreateTempSubdirectory("toolcatalog-backup-");
        try
        {
            await using var source = await TestDatabase.CreateAsync();
            await using var target = await TestDatabase.CreateAsync();
            var from = Env(source);
            var to = Env(target);
            await RunOkAsync(from, "import", CliPaths.Samples);
            var archive = Path.Combine(work.FullName, "catalog.tcbackup");

            var backup = await RunOkAsync(from, "backup", archive, "--format", "json");
            var restore = await RunOkAsync(to, "restore", archive);

            var written = JsonDocument.Parse(backup.Output).RootElement;
            Assert.That(written.GetProperty("includes_telemetry").GetBoolean(), Is.False);
            Assert.That(restore.Output, Does.Contain("Restored").And.Contain($"Audit head: {written.GetProperty("audit_head").GetString()}"));
            await RunOkAsync(from, "export", Path.Combine(work.FullName, "original"), "--all-versions");
            await RunOkAsync(to, "export", Path.Combine(work.FullName, "restored"), "--all-versions");
            var original = Files(Path.Combine(work.FullName, "original"));
            Assert.That(original, Is.Not.Empty);
            Assert.That(Files(Path.Combine(work.FullName, "restored")), Is.EqualTo(original));
            var verify = await RunOkAsync(to, "audit", "verify", "--expect-head", written.GetProperty("audit_head").GetString()!);
            Assert.That(verify.Output, Does.Contain("The audit log is intact"));

            var again = await CliHarness.RunAsync(to, "restore", archive);
            Assert.That(again.ExitCode, Is.EqualTo(1));
            Assert.That(again.Error, Does.Contain("catalog is not empty").And.Contain("--force"));
            await RunOkAsync(to, "restore", archive, "--force");

            var bytes = await File.ReadAllBytesAsync(archive);
            bytes[^5] ^= 0x20;
            var damaged = Path.Combine(work.FullName, "damaged.tcbackup");
            await File.WriteAllBytesAsync(damaged, bytes);
            var corrupt = await CliHarness.RunAsync(Env(_unwritten), "restore", damaged);
            Assert.That(corrupt.ExitCode, Is.EqualTo(1));
            Assert.That(corrupt.Error, Does.Contain("damaged.tcbackup").And.Contain("corrupted: the data of table tool_catalog.").And.Contain("SHA-256"));
            Assert.That(corrupt.Error, Does.Not.Contain("   at "), "no stack trace");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Test]
    public async Task A_missing_archive_fails_naming_it_and_a_missing_argument_is_a_usage_error()
    {
        var missing = await CliHarness.RunAsync(Env(_unwritten), "restore", "no-such-archive.tcbackup");
        var usage = await CliHarness.RunAsync(Env(_unwritten), "backup");

        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("the archive 'no-such-archive.tcbackup' does not exist"));
        Assert.That(usage.ExitCode, Is.EqualTo(2));
    }
}
