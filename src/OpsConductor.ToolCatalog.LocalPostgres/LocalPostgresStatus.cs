namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>Where a persistent private server lives and whether it is running.</summary>
/// <param name="InstanceDirectory">The instance folder (state file, data folder, socket and log folder).</param>
/// <param name="DataDirectory">The PostgreSQL data folder (<c>PGDATA</c>).</param>
/// <param name="IsInitialized">Whether <c>initdb</c> has run (the data folder holds <c>PG_VERSION</c>).</param>
/// <param name="IsRunning">Whether a server process for the data folder is alive.</param>
/// <param name="Port">The loopback TCP port it listens on (when running), else the one it used last; null if never started.</param>
/// <param name="ProcessId">The postmaster's process id when running.</param>
/// <param name="DataVersion">The major version that initialised the data folder (<c>PG_VERSION</c>), such as <c>15</c>.</param>
/// <param name="ServerVersion">What the server programs say they are, such as <c>postgres (PostgreSQL) 15.18</c>.</param>
/// <param name="ServiceAccount">The account the server runs as, when not the current user.</param>
/// <param name="LogFile">The server's log file.</param>
public sealed record LocalPostgresStatus(
    string InstanceDirectory,
    string DataDirectory,
    bool IsInitialized,
    bool IsRunning,
    int? Port,
    int? ProcessId,
    string? DataVersion,
    string? ServerVersion,
    string? ServiceAccount,
    string LogFile);
