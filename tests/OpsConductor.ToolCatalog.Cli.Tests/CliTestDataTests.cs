using System.Diagnostics;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>The CLI tests' own folders under the scratch folder (their private servers' data lives there).</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class CliTestDataTests
{
    [Test]
    public async Task The_folders_of_a_killed_run_are_removed_and_those_of_a_live_run_are_kept()
    {
        using var dead = Process.Start(new ProcessStartInfo("true"))!;
        await dead.WaitForExitAsync();
        var killed = Directory.CreateDirectory(Path.Combine(TestScratch.Root, "toolcatalog-cli-tests-killed" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var live = Directory.CreateDirectory(Path.Combine(TestScratch.Root, "toolcatalog-cli-tests-live" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(killed, "owner.pid"), LocalPostgresServer.OwnerRecord(dead.Id));
            await File.WriteAllTextAsync(Path.Combine(live, "owner.pid"), LocalPostgresServer.OwnerRecord(Environment.ProcessId));

            await CliTestData.RemoveAbandonedAsync();

            Assert.That(Directory.Exists(killed), Is.False, "the owner is gone");
            Assert.That(Directory.Exists(live), Is.True, "the owner is this run");
            Assert.That(CliTestData.DataDirectory, Does.StartWith(TestScratch.Root + Path.DirectorySeparatorChar));
        }
        finally
        {
            Directory.Delete(live, recursive: true);
            if (Directory.Exists(killed))
            {
                Directory.Delete(killed, recursive: true);
            }
        }
    }
}
