namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// Who the server programs run as. PostgreSQL refuses to run as root, so when this process is root the programs
/// run as an existing unprivileged account (by default <c>postgres</c>, else <c>nobody</c>): the child process takes
/// that account's user, group and supplementary groups before it runs the program
/// (<see cref="System.Diagnostics.ProcessStartInfo.UserName"/>), with its <c>HOME</c>, <c>USER</c> and <c>LOGNAME</c>,
/// as <c>runuser -u</c> would, without running <c>runuser</c> (a PAM session: about 12 ms of CPU per program run);
/// otherwise they run as the current user.
/// </summary>
internal sealed class ServerAccount
{
    private static readonly string[] DefaultAccounts = ["postgres", "nobody"];

    private readonly ProcessAccount? _account;

    private ServerAccount(ProcessAccount? account) => _account = account;

    /// <summary>The account the programs run as, or null for "this process's own user".</summary>
    public string? Name => _account?.Name;

    /// <summary>Whether the programs run as another account than this process.</summary>
    public bool IsSwitched => Name is not null;

    public static async Task<ServerAccount> ResolveAsync(string? requested, CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return new ServerAccount(null);
        }

        var names = requested is null ? DefaultAccounts : [requested];
        foreach (var name in names)
        {
            var lookup = await ProcessRunner.RunAsync(FindProgram("getent") ?? "getent", ["passwd", name], null, cancellationToken).ConfigureAwait(false);
            if (lookup.Succeeded && !string.IsNullOrWhiteSpace(lookup.StandardOutput))
            {
                // name:password:uid:gid:comment:home:shell
                var fields = lookup.StandardOutput.Trim().Split('\n')[0].Split(':');
                return new ServerAccount(new ProcessAccount(name, fields.Length > 5 && fields[5].Length > 0 ? fields[5] : "/"));
            }
        }

        throw new LocalPostgresException(
            $"This process runs as root and PostgreSQL refuses to run as root, but no unprivileged account to run it as exists "
            + $"(tried: {string.Join(", ", names)}). Create one (for example 'useradd --system postgres'), name another one in the "
            + "options, or run as a non-root user.");
    }

    /// <summary>Runs <paramref name="program"/> as this account.</summary>
    public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(program, arguments, workingDirectory, cancellationToken, _account);

    /// <summary>Makes <paramref name="path"/> (recursively) owned by this account; nothing to do when not switched.</summary>
    public async Task TakeOwnershipAsync(string path, CancellationToken cancellationToken)
    {
        if (Name is null)
        {
            return;
        }

        var result = await ProcessRunner.RunAsync(FindProgram("chown") ?? "chown", ["-R", Name + ":", path], null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException($"Could not give '{path}' to the account '{Name}' the server runs as: {result.Diagnostics}");
        }
    }

    /// <summary>Whether this account can enter and write <paramref name="directory"/>.</summary>
    public async Task<bool> CanWriteAsync(string directory, CancellationToken cancellationToken)
    {
        if (Name is null)
        {
            return true;
        }

        var test = FindProgram("test") ?? "test";
        var result = await RunAsync(test, ["-x", directory, "-a", "-w", directory], "/", cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    internal static string? FindProgram(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Name ?? Environment.UserName;
}
