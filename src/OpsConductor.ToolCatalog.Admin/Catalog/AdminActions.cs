using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
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
    /// <summary>Whether the change was refused because the tool changed after it was read (nothing was written).</summary>
    public bool IsConflict { get; init; }

    public static AdminResult Refused(string message) => new(false, message);
}

/// <summary>
/// Every change the admin UI makes, one circuit's (scoped). Each call authorizes the circuit's principal with the
/// REST API's policy for that change (<see cref="ToolCatalogPolicies.ToolOwner"/> with the tool as the resource), so a
/// page can do nothing the API would refuse, whatever buttons it shows; then writes through the same
/// <see cref="ToolCatalogStore"/> the API's handler would get (<see cref="AdminScope"/>: the store scoped to the
/// principal's tenant, if it has one) with the principal as the actor, and answers once the principal's runtime catalog
/// has the change (read-your-writes, bounded as the API's).
/// </summary>
internal sealed partial class AdminActions(
    AuthenticationStateProvider authentication,
    IAuthorizationService authorization,
    AdminScope scope,
    ToolCatalogStore globalStore,
    IOptions<ToolCatalogServerOptions> options)
{
    /// <summary>The actor recorded in the audit for changes made here (the principal's name; the UI is named in the reason).</summary>
    public const string Reason = "admin UI";

    /// <summary>The signed-in principal, once its catalog is decided (<see cref="AdminScope.EnsureAsync"/>).</summary>
    public async Task<ClaimsPrincipal> UserAsync()
    {
        await scope.EnsureAsync();
        return (await authentication.GetAuthenticationStateAsync()).User;
    }

    /// <summary>Whether the signed-in principal may change <paramref name="toolName"/> (admin, or an owner of it).</summary>
    public async Task<bool> CanChangeAsync(string toolName) =>
        (await authorization.AuthorizeAsync(await UserAsync(), toolName, ToolCatalogPolicies.ToolOwner)).Succeeded;

    public async Task<AdminResult> SetStateAsync(string toolName, ToolStateAction action, CancellationToken cancellationToken = default)
    {
        var verb = action switch { ToolStateAction.Enable => "enable", ToolStateAction.Disable => "disable", _ => "deprecate" };
        return await ChangeAsync(toolName, verb, change => action switch
        {
            ToolStateAction.Enable => scope.Store.EnableAsync(toolName, null, change, cancellationToken),
            ToolStateAction.Disable => scope.Store.DisableAsync(toolName, null, change, cancellationToken),
            _ => scope.Store.DeprecateAsync(toolName, null, change, cancellationToken),
        }, cancellationToken);
    }

    public Task<AdminResult> RollbackAsync(string toolName, string toVersion, CancellationToken cancellationToken = default) =>
        ChangeAsync(toolName, $"roll back to version {toVersion}", change => scope.Store.RollbackAsync(toolName, toVersion, change, cancellationToken), cancellationToken);

    /// <summary>Whether the signed-in principal may create tools (the admin role, as POST /api/v1/tools).</summary>
    public async Task<bool> CanCreateAsync() =>
        (await authorization.AuthorizeAsync(await UserAsync(), null, ToolCatalogPolicies.Admin)).Succeeded;

    /// <summary>Creates <paramref name="tool"/> as POST /api/v1/tools does: admins only, valid (lenient), a free name.</summary>
    public async Task<AdminResult> CreateToolAsync(ToolDefinition tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var user = await UserAsync();
        if (OutOfScope() is { } outOfScope)
        {
            return outOfScope;
        }

        if (!(await authorization.AuthorizeAsync(user, null, ToolCatalogPolicies.Admin)).Succeeded)
        {
            return AdminResult.Refused($"Refused: '{ActorOf(user)}' may not create tool '{tool.Name}': creating a tool needs the admin role. Nothing was written.");
        }

        if (Invalid(tool) is { } invalid)
        {
            return invalid;
        }

        try
        {
            if (await scope.Store.GetAsync(tool.Name, cancellationToken: cancellationToken) is { } existing)
            {
                return AdminResult.Refused($"Tool '{tool.Name}' exists already (latest version {existing.Definition.Version}); nothing was written. Choose another name, or publish a new version of it.");
            }

            var result = await scope.Store.CreateAsync(tool, new ChangeContext { Actor = ActorOf(user), Reason = Reason }, cancellationToken);
            await SeenAsync(result.Revision, cancellationToken);
            return new AdminResult(true, $"Tool '{tool.Name}' version {tool.Version} created (revision {result.Revision}).");
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Tool '{tool.Name}' was not created: {e.Message}");
        }
    }

    /// <summary>
    /// Publishes <paramref name="tool"/> as a new version, as PUT /api/v1/tools/{name} does: admin or an owner of the tool,
    /// valid, changed in more than its state, a growing version, no breaking change unless <paramref name="allowBreaking"/>;
    /// refused (a conflict, nothing written) when the tool changed after <paramref name="basedOnRevision"/>.
    /// </summary>
    public async Task<AdminResult> PublishVersionAsync(ToolDefinition tool, long basedOnRevision, bool allowBreaking, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var user = await UserAsync();
        if (OutOfScope() is { } outOfScope)
        {
            return outOfScope;
        }

        if (!(await authorization.AuthorizeAsync(user, tool.Name, ToolCatalogPolicies.ToolOwner)).Succeeded)
        {
            return AdminResult.Refused(
                $"Refused: '{ActorOf(user)}' may not publish a new version of tool '{tool.Name}': it needs the admin role or an owner key of that tool. Nothing was written.");
        }

        if (Invalid(tool) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var current = await scope.Store.GetAsync(tool.Name, cancellationToken: cancellationToken);
            var plan = Editor.PublishPlan.Create(tool, intendedNew: false, current?.Definition, [],
                current is null ? null : (await scope.Store.ListVersionsAsync(tool.Name, cancellationToken)).Select(static v => v.Version));
            if (plan.Blocker is { } blocker)
            {
                return AdminResult.Refused($"Not published: {blocker} Nothing was written.");
            }

            if (plan.BreakingChanges.Count > 0 && !allowBreaking)
            {
                return AdminResult.Refused(
                    $"Not published: version {tool.Version} of tool '{tool.Name}' breaks callers of {current!.Definition.Version}: "
                    + string.Join("; ", plan.BreakingChanges.Select(static c => c.Message)) + ". Nothing was written; confirm the break to publish it.");
            }

            var report = Versioning.ToolCompatibility.Compare(current!.Definition, tool);
            var change = new ChangeContext { Actor = ActorOf(user), Reason = Reason, ExpectedRevision = basedOnRevision, Compatibility = CompatibilityJson(report, allowBreaking) };
            var result = await scope.Store.PublishAsync(tool, change, cancellationToken);
            await SeenAsync(result.Revision, cancellationToken);
            return new AdminResult(true, $"Tool '{tool.Name}' version {tool.Version} published (revision {result.Revision}).");
        }
        catch (CatalogConflictException)
        {
            return AdminResult.Refused(
                $"Conflict: tool '{tool.Name}' changed after the editor read it (revision {basedOnRevision}), by another session, the API or the CLI. "
                + "Nothing was written and your form is kept: review again to compare it with the tool's new current version, then publish.") with { IsConflict = true };
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Tool '{tool.Name}' version {tool.Version} was not published: {e.Message}");
        }
    }

    /// <summary>
    /// Disables (<paramref name="hidden"/>) or enables again a global tool for the principal's tenant only, through the
    /// library call the CLI's <c>disable --tenant ID --global</c> makes (<see cref="ToolCatalogStore.DisableGlobalToolAsync"/>,
    /// <see cref="ToolCatalogStore.EnableGlobalToolAsync"/>): the global catalog and other tenants keep the tool. Needs the
    /// rights a state change of that tool needs (<see cref="ToolCatalogPolicies.ToolOwner"/>); a principal of the global
    /// catalog is refused by the store with the rule.
    /// </summary>
    public Task<AdminResult> SetGlobalToolHiddenAsync(string toolName, bool hidden, CancellationToken cancellationToken = default) =>
        ChangeAsync(toolName, hidden ? "disable for this tenant" : "enable for this tenant", change => hidden
            ? scope.Store.DisableGlobalToolAsync(toolName, change, cancellationToken)
            : scope.Store.EnableGlobalToolAsync(toolName, change, cancellationToken), cancellationToken);

    /// <summary>Deletes a tool (softly: its history stays for the audit) as DELETE /api/v1/tools/{name} does: admin or an owner of it.</summary>
    public Task<AdminResult> DeleteToolAsync(string toolName, CancellationToken cancellationToken = default) =>
        ChangeAsync(toolName, "delete", change => scope.Store.DeleteAsync(toolName, new DeleteOptions(), change, cancellationToken), cancellationToken);

    /// <summary>Previews a bulk field update of <paramref name="toolNames"/> (admins only, as the bulk bar): nothing is written.</summary>
    public async Task<BulkFieldUpdate> PreviewBulkUpdateAsync(IReadOnlyCollection<string> toolNames, IReadOnlyList<Editing.FieldAssignment> assignments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        await scope.EnsureAsync();
        var revision = await scope.Store.GetRevisionAsync(cancellationToken);
        var tools = new List<ToolDefinition>();
        var versions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in toolNames.Order(StringComparer.Ordinal))
        {
            if (await scope.Store.GetAsync(name, cancellationToken: cancellationToken) is { } stored)
            {
                tools.Add(stored.Definition);
                versions[name] = [.. (await scope.Store.ListVersionsAsync(name, cancellationToken)).Select(static v => v.Version)];
            }
        }

        return BulkFieldUpdate.Plan(tools, assignments, revision, name => versions.GetValueOrDefault(name) ?? []);
    }

    /// <summary>Applies a previewed bulk update: admins only; every new version in one transaction, or nothing when a tool
    /// changed after the preview or any new version is refused.</summary>
    public async Task<AdminResult> ApplyBulkUpdateAsync(BulkFieldUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var user = await UserAsync();
        if (OutOfScope() is { } outOfScope)
        {
            return outOfScope;
        }

        if (!(await authorization.AuthorizeAsync(user, null, ToolCatalogPolicies.Admin)).Succeeded)
        {
            return AdminResult.Refused($"Refused: '{ActorOf(user)}' may not update tools in bulk: it needs the admin role. Nothing was written.");
        }

        if (!update.CanApply)
        {
            return AdminResult.Refused("The bulk update has problems (see the preview) or changes nothing; nothing was written.");
        }

        var change = new ChangeContext
        {
            Actor = ActorOf(user),
            Reason = $"{Reason}: bulk update " + string.Join(", ", update.Assignments),
            ExpectedRevision = update.BasedOnRevision,
        };
        try
        {
            var report = await scope.Store.ImportAsync([.. update.Changes.Select(static c => c.Updated)], new ImportOptions { Change = change }, cancellationToken);
            if (report.HasProblems)
            {
                return AdminResult.Refused("Nothing was written (all or nothing): " + string.Join(" ", report.Items
                    .Where(static i => i.Outcome is ImportOutcome.Refused or ImportOutcome.Failed).Select(static i => $"{i.Name} {i.Version}: {i.Message}")));
            }

            await SeenAsync(report.Revision, cancellationToken);
            return new AdminResult(true, $"Bulk update: {update.Changes.Count} new version(s) published in one transaction (revision {report.Revision}).");
        }
        catch (CatalogConflictException e)
        {
            return AdminResult.Refused($"Conflict: {e.ToolName ?? "a tool"} changed after the preview; nothing was written. Preview again.");
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"The bulk update was not applied: {e.Message}");
        }
    }

    /// <summary>The selected tools as the API's export gives them: a zip of canonical YAML files (platform/tool.yaml), secrets
    /// masked (<c>!secret "********"</c>, which an import reads as "keep the stored value").</summary>
    public async Task<byte[]> ExportAsync(IReadOnlyCollection<string> toolNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        await scope.EnsureAsync();
        var tools = new List<ToolDefinition>();
        foreach (var name in toolNames.Order(StringComparer.Ordinal))
        {
            if (await scope.Store.GetAsync(name, cancellationToken: cancellationToken) is { } stored)
            {
                tools.Add(stored.Definition);
            }
        }

        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (file, tool) in Files.CatalogFiles.PlanExport(tools, allVersions: false))
            {
                var entry = zip.CreateEntry(file.RelativePath, System.IO.Compression.CompressionLevel.Fastest);
                await using var stream = entry.Open();
                var bytes = new System.Text.UTF8Encoding(false).GetBytes(Yaml.ToolYamlWriter.Write(tool));
                await stream.WriteAsync(bytes, cancellationToken);
            }
        }

        return buffer.ToArray();
    }

    private static readonly Validation.ToolValidator Validator = new();

    /// <summary>The refusal for a tool the validator (lenient, as the API's writes) finds errors in; null when valid.</summary>
    private static AdminResult? Invalid(ToolDefinition tool)
    {
        var errors = Validator.Validate(tool).Errors;
        return errors.Count == 0
            ? null
            : AdminResult.Refused($"Tool '{tool.Name}' has {errors.Count} validation error(s); nothing was written: " + string.Join("; ", errors.Take(5).Select(static e => e.ToString())));
    }

    /// <summary>The compatibility verdict the audit records, in the REST API's shape.</summary>
    private static string CompatibilityJson(Versioning.ToolCompatibilityReport report, bool allowed) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["verdict"] = report.Verdict,
            ["previous_version"] = report.PreviousVersion,
            ["version"] = report.Version,
            ["allowed_breaking"] = allowed && report.IsBreaking,
            ["changes"] = report.Changes.Select(static c => new Dictionary<string, object>
            {
                ["kind"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(c.Kind.ToString()),
                ["breaking"] = c.IsBreaking,
                ["path"] = c.Path,
                ["message"] = c.Message,
            }).ToList(),
        });

    private async Task<AdminResult> ChangeAsync(string toolName, string what, Func<ChangeContext, Task<CatalogWriteResult>> write, CancellationToken cancellationToken)
    {
        var user = await UserAsync();
        if (OutOfScope() is { } outOfScope)
        {
            return outOfScope;
        }

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

    /// <summary>The refusal of every write when the principal has no catalog here (its tenant unknown or disabled); null when it has.</summary>
    private AdminResult? OutOfScope() =>
        scope.Refusal is { } refusal ? AdminResult.Refused(refusal + " Nothing was written.") : null;

    /// <summary>The principal's name as the audit's actor (the REST API records the same).</summary>
    private static string ActorOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    /// <summary>Read-your-writes: waits until the server's snapshot reaches <paramref name="revision"/>, at most the API's <c>WriteVisibilityTimeout</c>.</summary>
    private async Task SeenAsync(long revision, CancellationToken cancellationToken)
    {
        if (scope.Catalog.Current.Revision >= revision)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.WriteVisibilityTimeout);
        try
        {
            await scope.Catalog.WaitForRevisionAsync(revision, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The write is committed; the snapshot lags (the listener reconnecting). The page reloads on the change event.
        }
    }
}
