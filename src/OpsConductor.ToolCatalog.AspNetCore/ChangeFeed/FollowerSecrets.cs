using System.Security.Claims;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;

/// <summary>
/// Who receives sealed secrets on <c>GET /api/v1/catalog</c> and <c>GET /api/v1/changes</c>: the principals named in
/// <see cref="ToolCatalogServerOptions.SealedSecretReaders"/> (an API key is <c>key:NAME</c>). Everyone else gets the
/// masked documents, as from every other read. A sealed secret is the envelope PostgreSQL holds (decision 2102): opening
/// it takes the key ring, exactly as for a runtime that reads the database directly; plaintext never travels.
/// </summary>
internal static class FollowerSecrets
{
    /// <summary>Whether <paramref name="user"/> may receive sealed secrets.</summary>
    public static bool MayRead(ClaimsPrincipal user, ToolCatalogServerOptions options) =>
        options.SealedSecretReaders.Count > 0
        && user.Identity is { IsAuthenticated: true, Name: { } name }
        && options.SealedSecretReaders.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether an event of these changes and experiments holds a sealed secret (so its sealed rendering differs).</summary>
    public static bool AnySealed(IReadOnlyList<CatalogToolChange> changes, IReadOnlyList<RunningExperiment> experiments)
    {
        foreach (var change in changes)
        {
            if (change.Current is { } tool && FollowerDocuments.HasSealedSecrets(tool.Definition))
            {
                return true;
            }
        }

        return FollowerDocuments.HasSealedSecrets(experiments);
    }
}
