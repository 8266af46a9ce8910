namespace OpsConductor.ToolCatalog.AspNetCore;

/// <summary>
/// Settings of the management server (<c>AddToolCatalogServer</c>): list sizes and request limits. Sign-in, rate limits
/// and the other parts of the server keep their settings in their own sections of this class.
/// </summary>
public sealed class ToolCatalogServerOptions
{
    /// <summary>How many items a list endpoint returns when the request names no <c>limit</c> (50).</summary>
    public int DefaultListLimit { get; set; } = 50;

    /// <summary>The largest <c>limit</c> a list endpoint accepts (500); a larger one is refused with 400.</summary>
    public int MaxListLimit { get; set; } = 500;

    /// <summary>The largest request body, in bytes, of any endpoint but import (1 MiB); a larger one gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest body of <c>POST /api/v1/tools/import</c>, in bytes (32 MiB); a larger one gets 413.</summary>
    public long MaxImportBodyBytes { get; set; } = 32L * 1024 * 1024;

    // ---- Sign-in and rate limits (fix/auth) ----

    /// <summary>Sign-in: API keys and bearer tokens from an OpenID Connect provider.</summary>
    public ToolCatalogAuthenticationOptions Authentication { get; set; } = new();

    /// <summary>The API's rate limit per principal (per IP address when not signed in).</summary>
    public ToolCatalogRateLimitOptions RateLimit { get; set; } = new();

    // ---- Writes and import (fix/writes) ----

    /// <summary>The most files one import takes (multipart parts or zip entries; 10,000); more gets 413.</summary>
    public int MaxImportFiles { get; set; } = 10_000;

    /// <summary>The most bytes the files of one zip import may expand to (256 MiB); more gets 413 (a zip bomb stops there).</summary>
    public long MaxImportUncompressedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The largest expansion ratio of one zip entry over 64 KiB (200×); a larger one gets 400 as a likely zip bomb.</summary>
    public int MaxImportCompressionRatio { get; set; } = 200;

    /// <summary>How long a write waits for the server's own snapshot to show it before answering (5 s; read-your-writes).</summary>
    public TimeSpan WriteVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(5);

    // ---- Change feed and compact catalog for followers (fix/scaleout) ----

    /// <summary>How many change events the server keeps for followers to resume from (10,000); a follower holding an older revision gets 410 and reloads <c>GET /api/v1/catalog</c>.</summary>
    public int ChangeFeedWindow { get; set; } = 10_000;

    /// <summary>How many events may wait for one slow follower (1,000) before it is told to reload and disconnected, so it never slows the others or grows memory.</summary>
    public int ChangeFeedFollowerQueue { get; set; } = 1_000;

    /// <summary>How often the change feed sends a keep-alive comment to every follower (15 s), so proxies keep idle streams open and followers notice a dead server.</summary>
    public TimeSpan ChangeFeedKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    // ---- What followers receive (fix/catdoc) ----

    /// <summary>
    /// The principals (an API key is <c>key:NAME</c>) whose <c>GET /api/v1/catalog</c> and <c>GET /api/v1/changes</c>
    /// carry each secret's sealed envelope beside the masked document, so a follower holds secrets as a runtime reading
    /// PostgreSQL does (and opens them with the same key ring). Empty by default: every follower gets masks. Plaintext is
    /// never sent this way.
    /// </summary>
    public IList<string> SealedSecretReaders { get; } = [];
}
