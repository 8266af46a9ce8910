namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>How to find and run a private PostgreSQL server. Every property has a working default.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. Default: the highest version found by
    /// <see cref="PostgresBinaries.FindAsync"/> (PATH, then <c>/usr/lib/postgresql/*/bin</c> and <c>/usr/pgsql-*/bin</c>).</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Folders to search instead of the default ones (ignored when <see cref="BinDirectory"/> is set).</summary>
    public IReadOnlyList<string>? SearchDirectories { get; init; }

    /// <summary>When this process is root: the unprivileged account the server runs as. Default: <c>postgres</c> if it
    /// exists, else <c>nobody</c>. Ignored when not root (the server runs as the current user).</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>The superuser created in a new server. Default <c>toolcatalog</c>.</summary>
    public string SuperuserName { get; init; } = "toolcatalog";

    /// <summary>For ephemeral servers: the folder in which the throwaway instance folder is made. Default: the
    /// system temporary folder (<c>$TMPDIR</c> or <c>/tmp</c>).</summary>
    public string? EphemeralParentDirectory { get; init; }

    /// <summary>How long to wait for the server to start or stop. Default 60 seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra server settings (<c>postgresql.conf</c> names and values), applied at every start.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, the server accepts TLS connections with this certificate and key (<c>ssl = on</c>). Default:
    /// null (no TLS). Settings in <see cref="ServerSettings"/> are written after these and so take precedence.</summary>
    public LocalPostgresTls? Tls { get; init; }

    /// <summary>The clock (used only to judge the age of abandoned throwaway folders).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
