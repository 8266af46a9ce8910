using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// A folder holding PostgreSQL's server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>) and their version.
/// </summary>
public sealed partial class PostgresBinaries
{
    private static readonly string[] RequiredPrograms = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// The folders whose <c>postgres --version</c> this process already ran, with the size and modification time of the
    /// program it ran: a server's start and stop look the programs up each time, and each run of the server binary cost
    /// about 18 ms of CPU (mostly loading and linking its libraries). A program replaced in place (an upgrade) has another
    /// size or time and is run again; a folder whose run failed is not kept.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (long Length, DateTime Modified, PostgresBinaries Binaries)> Probed = new(StringComparer.Ordinal);

    private PostgresBinaries(string directory, Version version, string versionText)
    {
        Directory = directory;
        Version = version;
        VersionText = versionText;
    }

    /// <summary>The folder holding the programs (symbolic links resolved).</summary>
    public string Directory { get; }

    /// <summary>The server version (major.minor; <c>16.0</c> for a <c>16devel</c> build).</summary>
    public Version Version { get; }

    /// <summary>What <c>postgres --version</c> printed, such as <c>postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)</c>.</summary>
    public string VersionText { get; }

    /// <summary>The full path of <c>initdb</c>.</summary>
    public string InitDb => Path.Combine(Directory, "initdb");

    /// <summary>The full path of <c>pg_ctl</c>.</summary>
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>The full path of <c>postgres</c>.</summary>
    public string Postgres => Path.Combine(Directory, "postgres");

    /// <summary>
    /// The folders searched when no folder is given: every folder on <c>PATH</c>, then
    /// <c>/usr/lib/postgresql/*/bin</c> (Debian, Ubuntu) and <c>/usr/pgsql-*/bin</c> (RHEL, Fedora).
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchDirectories()
    {
        var directories = new List<string>();
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        directories.AddRange(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        directories.AddRange(Glob("/usr/lib/postgresql", "*", "bin"));
        directories.AddRange(Glob("/usr", "pgsql-*", "bin"));
        return directories;
    }

    /// <summary>
    /// Finds the highest-version set of server programs in <paramref name="searchDirectories"/> (default:
    /// <see cref="DefaultSearchDirectories"/>); on equal versions the earlier folder wins.
    /// </summary>
    /// <exception cref="LocalPostgresException">No folder holds all three programs; the message says how to install them
    /// or how to use an existing server instead.</exception>
    public static async Task<PostgresBinaries> FindAsync(IEnumerable<string>? searchDirectories = null, CancellationToken cancellationToken = default)
    {
        var searched = (searchDirectories ?? DefaultSearchDirectories()).ToList();
        var candidates = new List<string>();
        foreach (var directory in searched)
        {
            var resolved = ResolveProgramDirectory(directory);
            if (resolved is not null && !candidates.Contains(resolved, StringComparer.Ordinal))
            {
                candidates.Add(resolved);
            }
        }

        PostgresBinaries? best = null;
        foreach (var candidate in candidates)
        {
            var found = await TryProbeAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (found is not null && (best is null || found.Version > best.Version))
            {
                best = found;
            }
        }

        return best ?? throw new LocalPostgresException(NotFoundMessage(searched));
    }

    /// <summary>Uses the programs in <paramref name="directory"/>, which must hold all three.</summary>
    /// <exception cref="LocalPostgresException">A program is missing or does not run.</exception>
    public static async Task<PostgresBinaries> FromDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var resolved = ResolveProgramDirectory(directory)
            ?? throw new LocalPostgresException(
                $"The folder '{directory}' does not hold all of {string.Join(", ", RequiredPrograms)}. "
                + "Give the 'bin' folder of a PostgreSQL installation (for example /usr/lib/postgresql/16/bin).");
        return await TryProbeAsync(resolved, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalPostgresException($"'{Path.Combine(resolved, "postgres")} --version' did not print a PostgreSQL version.");
    }

    /// <summary>Parses the output of <c>postgres --version</c>; null when it names no version.</summary>
    internal static Version? ParseVersion(string text)
    {
        var match = VersionPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
        var minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return new Version(major, minor);
    }

    internal static string NotFoundMessage(IReadOnlyCollection<string> searched) =>
        "No PostgreSQL server programs (initdb, pg_ctl, postgres) were found"
        + (searched.Count == 0 ? "" : $" in {searched.Count} folder(s) searched (PATH, /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin)")
        + ". Install them (Debian/Ubuntu: 'apt-get install postgresql'; RHEL/Fedora: 'dnf install postgresql-server'; "
        + "macOS: 'brew install postgresql'), or use an existing server instead: set TOOLCATALOG_CONNECTION "
        + "(or pass --connection) for the toolcatalog command, TOOLCATALOG_TEST_CONNECTION for the tests, "
        + "to a connection string such as 'Host=localhost;Username=postgres;Password=…;Database=toolcatalog'.";

    private static async Task<PostgresBinaries?> TryProbeAsync(string directory, CancellationToken cancellationToken)
    {
        var program = new FileInfo(Path.Combine(directory, "postgres"));
        var (length, modified) = program.Exists ? (program.Length, program.LastWriteTimeUtc) : (-1, default);
        if (Probed.TryGetValue(directory, out var known) && known.Length == length && known.Modified == modified)
        {
            return known.Binaries;
        }

        var probed = await RunVersionAsync(directory, cancellationToken).ConfigureAwait(false);
        if (probed is not null && length >= 0)
        {
            Probed[directory] = (length, modified, probed);
        }

        return probed;
    }

    private static async Task<PostgresBinaries?> RunVersionAsync(string directory, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(Path.Combine(directory, "postgres"), ["--version"], null, cancellationToken).ConfigureAwait(false);
        }
        catch (LocalPostgresException)
        {
            return null;
        }

        var text = result.StandardOutput.Trim();
        var version = result.Succeeded ? ParseVersion(text) : null;
        return version is null ? null : new PostgresBinaries(directory, version, text);
    }

    /// <summary>The real folder of the programs when <paramref name="directory"/> holds all three, else null.</summary>
    private static string? ResolveProgramDirectory(string directory)
    {
        try
        {
            foreach (var program in RequiredPrograms)
            {
                var file = new FileInfo(Path.Combine(directory, program));
                if (!file.Exists || (file.UnixFileMode & UnixFileMode.UserExecute) == 0)
                {
                    return null;
                }
            }

            var postgres = new FileInfo(Path.Combine(directory, "postgres"));
            var target = postgres.LinkTarget is null ? postgres : postgres.ResolveLinkTarget(returnFinalTarget: true);
            return Path.GetDirectoryName(target?.FullName ?? postgres.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static List<string> Glob(string root, string pattern, string leaf)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        try
        {
            return System.IO.Directory.GetDirectories(root, pattern)
                .Select(d => Path.Combine(d, leaf))
                .Where(System.IO.Directory.Exists)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(?<major>\d+)(?:\.(?<minor>\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    /// <inheritdoc />
    public override string ToString() => $"PostgreSQL {Version} in {Directory}";
}
