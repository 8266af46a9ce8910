using OpsConductor.ToolCatalog.LocalPostgres;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>Who the server programs run as (<see cref="ServerAccount"/>).</summary>
[Parallelizable(ParallelScope.All)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServerAccountTests
{
    [Test]
    public async Task As_root_a_program_runs_as_the_service_account_with_its_groups_home_and_name_otherwise_as_this_user()
    {
        var account = await ServerAccount.ResolveAsync(null, CancellationToken.None);

        var run = await account.RunAsync("/bin/sh", ["-c", "id -un; id -u; id -G; echo \"$HOME|$USER|$LOGNAME|$LC_ALL\"; pwd"], "/", CancellationToken.None);

        Assert.That(run.Succeeded, Is.True, run.Diagnostics);
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (Environment.IsPrivilegedProcess)
        {
            var entry = (await ServerProbe.RunAsync("getent", "passwd", account.Name!)).Split(':');
            var groups = (await ServerProbe.RunAsync("id", "-G", account.Name!)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(account.Name, Is.Not.Null.And.Not.EqualTo("root"));
            Assert.That(lines[0], Is.EqualTo(account.Name));
            Assert.That(lines[1], Is.EqualTo(entry[2]), "the account's user id, not root's");
            Assert.That(lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(groups), "its primary and supplementary groups, none of root's");
            Assert.That(lines[3], Is.EqualTo($"{entry[5]}|{account.Name}|{account.Name}|C"), "the environment names the account, as runuser -u would");
        }
        else
        {
            Assert.That(account.Name, Is.Null);
            Assert.That(lines[0], Is.EqualTo(Environment.UserName));
        }

        Assert.That(lines[^1], Is.EqualTo("/"), "in the working folder given");
    }
}
