using OpsConductor.ToolCatalog.LocalPostgres;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

[Parallelizable(ParallelScope.Self)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresBinariesTests
{
    private string _root = null!;

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("pgbin-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Without_binaries_the_error_says_how_to_install_them_or_where_to_point_instead()
    {
        var error = Assert.ThrowsAsync<LocalPostgresException>(() => PostgresBinaries.FindAsync([_root]));

        Assert.That(error!.Message, Does.Contain("apt-get install postgresql")
            .And.Contain("TOOLCATALOG_CONNECTION")
            .And.Contain("TOOLCATALOG_TEST_CONNECTION")
            .And.Contain("initdb, pg_ctl, postgres"));
    }

    [Test]
    public async Task The_highest_version_found_wins_and_the_first_folder_wins_a_tie()
    {
        var old = FakeBin("old", "postgres (PostgreSQL) 13.9");
        var newer = FakeBin("newer", "postgres (PostgreSQL) 16.2 (Ubuntu 16.2-1)");
        var same = FakeBin("same", "postgres (PostgreSQL) 16.2");
        var incomplete = FakeBin("incomplete", "postgres (PostgreSQL) 99.0", withInitDb: false);

        var found = await PostgresBinaries.FindAsync([old, incomplete, newer, same]);

        Assert.That(found.Directory, Is.EqualTo(newer));
        Assert.That(found.Version, Is.EqualTo(new Version(16, 2)));
        Assert.That(found.InitDb, Is.EqualTo(Path.Combine(newer, "initdb")));
    }

    [Test]
    public async Task The_version_is_asked_once_per_folder_until_the_program_is_replaced()
    {
        var folder = FakeBin("counted", "postgres (PostgreSQL) 14.1");
        var runs = Path.Combine(_root, "runs");
        var program = Path.Combine(folder, "postgres");
        await File.WriteAllTextAsync(program, $"#!/bin/sh\necho run >> '{runs}'\necho 'postgres (PostgreSQL) 14.1'\n");

        var first = await PostgresBinaries.FromDirectoryAsync(folder);
        var again = await PostgresBinaries.FindAsync([folder]);

        Assert.That(first.Version, Is.EqualTo(new Version(14, 1)));
        Assert.That(again, Is.SameAs(first), "the same folder and program: the first answer");
        Assert.That(await File.ReadAllLinesAsync(runs), Has.Length.EqualTo(1), "postgres --version ran once");

        // An upgrade in place: the program changes (size and time), so it is asked again.
        await File.WriteAllTextAsync(program, $"#!/bin/sh\necho run >> '{runs}'\necho 'postgres (PostgreSQL) 16.4 (upgraded)'\n");
        var upgraded = await PostgresBinaries.FromDirectoryAsync(folder);

        Assert.That(upgraded.Version, Is.EqualTo(new Version(16, 4)));
        Assert.That(upgraded.VersionText, Does.Contain("upgraded"));
        Assert.That(await File.ReadAllLinesAsync(runs), Has.Length.EqualTo(2));
    }

    [Test]
    public void A_folder_whose_program_fails_is_asked_again_next_time()
    {
        var folder = FakeBin("broken", "not a version");

        Assert.ThrowsAsync<LocalPostgresException>(() => PostgresBinaries.FromDirectoryAsync(folder));
        File.WriteAllText(Path.Combine(folder, "postgres"), "#!/bin/sh\necho 'postgres (PostgreSQL) 15.2 (fixed build)'\n");

        Assert.That(async () => (await PostgresBinaries.FromDirectoryAsync(folder)).Version, Is.EqualTo(new Version(15, 2)));
    }

    [TestCase("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 15, 18)]
    [TestCase("postgres (PostgreSQL) 17beta1", 17, 0)]
    [TestCase("postgres (PostgreSQL) 16devel", 16, 0)]
    [TestCase("postgres (PostgreSQL) 9.6.24", 9, 6)]
    public void Versions_are_read_from_postgres_version_output(string text, int major, int minor)
    {
        Assert.That(PostgresBinaries.ParseVersion(text), Is.EqualTo(new Version(major, minor)));
    }

    [Test]
    public void Text_without_a_version_is_not_a_version()
    {
        Assert.That(PostgresBinaries.ParseVersion("bash: postgres: command not found"), Is.Null);
    }

    private string FakeBin(string name, string versionLine, bool withInitDb = true)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        Write("postgres", $"#!/bin/sh\necho '{versionLine}'\n");
        Write("pg_ctl", "#!/bin/sh\nexit 0\n");
        if (withInitDb)
        {
            Write("initdb", "#!/bin/sh\nexit 0\n");
        }

        return directory;

        void Write(string program, string script)
        {
            var path = Path.Combine(directory, program);
            File.WriteAllText(path, script);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
