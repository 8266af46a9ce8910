using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>What a state change does to a tool.</summary>
internal enum ToolStateAction
{
    Enable,
    Disable,
    Deprecate,
}

/// <summary>The outcome of a change made through the admin UI: whether it was made, and the sentence to show.</summary>
internal sealed record AdminResult(bool Succeeded, string Message)
{
    public static AdminResult Refused(string message) => new(false, message);
}

/// <summary>
/// Every change the admin UI makes, one circuit's (scoped). Each call authorizes the circuit's principal with the
/// REST API's policy for that change (<see cref="ToolCatalogPolicies.ToolOwner"/> with the tool as the resource), so a
/// page can do nothing the API would refuse, whatever buttons it shows; then writes through the same
/// <see cref="ToolCatalogStore"/> with the principal as the actor, and answers once the server's own snapshot has the
/// change (read-your-writes, bounded as the API's).
/// </summary>
internal sealed partial class AdminActions(
    AuthenticationStateProvider authentication,
    IAuthorizationService authorization,
    ToolCatalogStore store,
    IToolCatalog catalog,
    IOptions<ToolCatalogServerOptions> options)
{
    /// <summary>The actor recorded in the audit for changes made here (the principal's name; the UI is named in the reason).</summary>
    public const string Reason = "admin UI";

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    /// <summary>Whether the signed-in principal may change <paramref name="toolName"/> (admin, or an owner of it).</summary>
    public async Task<bool> CanChangeAsync(string toolName) =>
        (await authorization.AuthorizeAsync(await UserAsync(), toolName, ToolCatalogPolicies.ToolOwner)).Succeeded;

    public async Task<AdminResult> SetStateAsync(string toolName, ToolStateAction action, CancellationToken cancellationToken = default)
    {
        var verb = action switch { ToolStateAction.Enable => "enable", ToolStateAction.Disable => "disable", _ => "deprecate" };
        return await ChangeAsync(toolName, verb, change => action switch
        {
            ToolStateAction.Enable => store.EnableAsync(toolName, null, change, cancellationToken),
            ToolStateAction.Disable => store.DisableAsync(toolName, null, change, cancellationToken),
            _ => store.DeprecateAsync(toolName, null, change, cancellationToken),
        }, cancellationToken);
    }

    public Task<AdminResult> RollbackAsync(string toolName, string toVersion, CancellationToken cancellationToken = default) =>
        ChangeAsync(toolName, $"roll back to version {toVersion}", change => store.RollbackAsync(toolName, toVersion, change, cancellationToken), cancellationToken);

    private async Task<AdminResult> ChangeAsync(string toolName, string what, Func<ChangeContext, Task<CatalogWriteResult>> write, CancellationToken cancellationToken)
    {
        var user = await UserAsync();
        if (!(await authorization.AuthorizeAsync(user, toolName, ToolCatalogPolicies.ToolOwner)).Succeeded)
        {
            return AdminResult.Refused(
                $"Refused: '{ActorOf(user)}' may not {what} tool '{toolName}': changing a tool needs the admin role or an owner key of that tool. Nothing was changed.");
        }

        try
        {
            var result = await write(new ChangeContext { Actor = ActorOf(user), Reason = Reason });
            await SeenAsync(result.Revision, cancellationToken);
            return new AdminResult(true, result.Changed
                ? $"Tool '{toolName}': {what} done (revision {result.Revision})."
                : $"Tool '{toolName}': nothing to {what}; it was so already.");
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Tool '{toolName}': could not {what}: {e.Message}");
        }
    }

    /// <summary>The principal's name as the audit's actor (the REST API records the same).</summary>
    private static string ActorOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    /// <summary>Read-your-writes: waits until the server's snapshot reaches <paramref name="revision"/>, at most the API's <c>WriteVisibilityTimeout</c>.</summary>
    private async Task SeenAsync(long revision, CancellationToken cancellationToken)
    {
        if (catalog.Current.Revision >= revision)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.WriteVisibilityTimeout);
        try
        {
            await catalog.WaitForRevisionAsync(revision, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The write is committed; the snapshot lags (the listener reconnecting). The page reloads on the change event.
        }
    }
}
