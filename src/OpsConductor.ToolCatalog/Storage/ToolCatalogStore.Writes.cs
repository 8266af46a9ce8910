using System.Text.Json.Nodes;
using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>
    /// Stores a new tool (its first version, with its capabilities and patterns) and makes it the latest version.
    /// The tool is expected to be validated already.
    /// </summary>
    /// <exception cref="CatalogOperationException">The tool exists already (publish a new version instead), or the
    /// database cannot hold it (the message names the field).</exception>
    /// <exception cref="CatalogConflictException"><see cref="ChangeContext.ExpectedRevision"/> is stale.</exception>
    public Task<CatalogWriteResult> CreateAsync(ToolDefinition tool, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(tool, change ?? ChangeContext.Anonymous, mustBeNew: true, cancellationToken);

    /// <summary>
    /// Stores <paramref name="tool"/> as a new version and makes it the one latest version, atomically; it links to
    /// the previous latest version (<c>parent_version_id</c>). Creates the tool when it does not exist yet.
    /// </summary>
    /// <exception cref="CatalogOperationException">That version exists already (versions are immutable: use a new
    /// version string), or the database cannot hold the tool (the message names the field).</exception>
    /// <exception cref="CatalogConflictException"><see cref="ChangeContext.ExpectedRevision"/> is stale.</exception>
    public Task<CatalogWriteResult> PublishAsync(ToolDefinition tool, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(tool, change ?? ChangeContext.Anonymous, mustBeNew: false, cancellationToken);

    /// <summary>Makes <paramref name="toVersion"/> the latest version of <paramref name="toolName"/> again. Every version
    /// is kept; a later publish links to the rolled-back-to version.</summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist.</exception>
    /// <exception cref="CatalogOperationException">The version was deleted, or is the latest already.</exception>
    /// <exception cref="CatalogConflictException"><see cref="ChangeContext.ExpectedRevision"/> is stale.</exception>
    public async Task<CatalogWriteResult> RollbackAsync(string toolName, string toVersion, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        ArgumentException.ThrowIfNullOrEmpty(toVersion);
        change ??= ChangeContext.Anonymous;
        var (version, revision, changed) = await RunWriteAsync("rollback", toolName, change, StatementRowWriter.Instance, async scope =>
        {
            await CheckExpectedRevisionAsync(scope, toolName).ConfigureAwait(false);
            var heads = await LockOwnVersionHeadsAsync(scope, toolName).ConfigureAwait(false);
            var target = heads.FirstOrDefault(h => h.Version == toVersion) ?? throw ToolNotFoundException.For(toolName, toVersion);
            if (target.IsDeleted)
            {
                var alive = heads.Where(h => !h.IsDeleted).Select(h => h.Version).ToList();
                throw new CatalogOperationException(
                    $"Version '{toVersion}' of tool '{toolName}' was deleted, so it cannot become the latest again. "
                    + (alive.Count == 0 ? "The tool has no other versions." : $"Versions you can roll back to: {string.Join(", ", alive)}."));
            }

            if (heads.FirstOrDefault(h => h.IsLatest)?.Id == target.Id)
            {
                throw new CatalogOperationException($"Version '{toVersion}' is already the latest version of tool '{toolName}'; there is nothing to roll back.");
            }

            await MakeLatestAsync(scope, toolName, heads, target).ConfigureAwait(false);
            return toVersion;
        }, cancellationToken).ConfigureAwait(false);
        return new CatalogWriteResult(revision, toolName, version, changed);
    }

    /// <summary>The rollback path: makes <paramref name="target"/> (a stored version in <paramref name="heads"/>, locked)
    /// the latest version and records the <c>rolled_back</c> audit entry with the diff from the previous latest.</summary>
    private static async Task MakeLatestAsync(WriteScope scope, string toolName, List<VersionHead> heads, VersionHead target)
    {
        var current = heads.FirstOrDefault(h => h.IsLatest);
        var loaded = await LoadByIdsAsync(scope.Connection, scope.Transaction, current is null ? [target.Id] : [target.Id, current.Id], scope.CancellationToken).ConfigureAwait(false);
        var targetTool = loaded.Single(t => t.Id == target.Id).Definition;
        var currentTool = current is null ? null : loaded.Single(t => t.Id == current.Id).Definition;
        await scope.Connection.ExecuteAsync(scope.Command(Sql.ClearLatest, new { Names = new[] { toolName }, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
        await scope.Connection.ExecuteAsync(scope.Command(Sql.MakeLatest, new { target.Id, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
        scope.Record(new AuditEntry(target.Id, toolName, target.Version, AuditActions.RolledBack, Diff(currentTool, targetTool)));
    }

    /// <summary>Enables the latest version of <paramref name="toolName"/> (or the given version): it may be selected again.
    /// Unchanged (and nothing written) when it is enabled already.</summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist.</exception>
    public Task<CatalogWriteResult> EnableAsync(string toolName, string? version = null, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetStateAsync("enable", toolName, version, change, (status, _) => (status, true), cancellationToken);

    /// <summary>Disables the latest version of <paramref name="toolName"/> (or the given version): it stays stored and
    /// listed but is not selected. Unchanged when it is disabled already.</summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist.</exception>
    public Task<CatalogWriteResult> DisableAsync(string toolName, string? version = null, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetStateAsync("disable", toolName, version, change, (status, _) => (status, false), cancellationToken);

    /// <summary>Marks the latest version of <paramref name="toolName"/> (or the given version) deprecated.</summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist.</exception>
    public Task<CatalogWriteResult> DeprecateAsync(string toolName, string? version = null, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetStatusAsync(toolName, ToolStatus.Deprecated, version, change, cancellationToken);

    /// <summary>Sets the lifecycle status of the latest version of <paramref name="toolName"/> (or the given version).</summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist.</exception>
    public Task<CatalogWriteResult> SetStatusAsync(string toolName, ToolStatus status, string? version = null, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetStateAsync("set-status", toolName, version, change, (_, enabled) => (status, enabled), cancellationToken);

    /// <summary>
    /// Deletes a tool (every version) or one version. Soft by default: the rows stay, marked deleted, out of every
    /// listing and of the runtime's catalog. Hard deletion removes the rows, and is refused while telemetry or an A/B
    /// test references a version unless <see cref="DeleteOptions.Force"/> is set (which deletes those too). The latest
    /// version cannot be deleted on its own while other versions exist: roll back first, or delete the whole tool.
    /// </summary>
    /// <exception cref="ToolNotFoundException">The tool or version does not exist (or was soft-deleted already).</exception>
    /// <exception cref="CatalogOperationException">The deletion is not allowed; the message says why and what to do.</exception>
    public async Task<CatalogWriteResult> DeleteAsync(string toolName, DeleteOptions? options = null, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        options ??= DeleteOptions.Soft;
        change ??= ChangeContext.Anonymous;
        if (options.Hard && _tenant is not null)
        {
            throw new CatalogOperationException(
                $"Hard deletion of tool '{toolName}' is the global administrator's operation (it may remove telemetry and experiments, which are global); "
                + $"tenant '{_tenant}' deletes its tools softly (the default). Nothing was written.");
        }

        var operation = options.Hard ? "hard-delete" : "delete";
        var (version, revision, changed) = await RunWriteAsync(operation, toolName, change, StatementRowWriter.Instance, async scope =>
        {
            await CheckExpectedRevisionAsync(scope, toolName).ConfigureAwait(false);
            var heads = await LockOwnVersionHeadsAsync(scope, toolName).ConfigureAwait(false);
            List<VersionHead> targets;
            if (options.Version is null)
            {
                targets = options.Hard ? heads : heads.Where(h => !h.IsDeleted).ToList();
                if (targets.Count == 0)
                {
                    throw ToolNotFoundException.For(toolName, null);
                }
            }
            else
            {
                var target = heads.FirstOrDefault(h => h.Version == options.Version);
                if (target is null || (!options.Hard && target.IsDeleted))
                {
                    throw ToolNotFoundException.For(toolName, options.Version);
                }

                var others = heads.Where(h => !h.IsDeleted && h.Id != target.Id).Select(h => h.Version).ToList();
                if (target.IsLatest && others.Count > 0)
                {
                    throw new CatalogOperationException(
                        $"Version '{target.Version}' is the latest version of tool '{toolName}', so it cannot be deleted on its own. "
                        + $"Roll back to another version first (for example: toolcatalog rollback {toolName} --to {others[^1]}), "
                        + "or delete the whole tool.");
                }

                targets = [target];
            }

            var ids = targets.Select(t => t.Id).ToArray();
            var described = options.Version is null ? $"tool '{toolName}'" : $"version '{options.Version}' of tool '{toolName}'";
            var entityId = (targets.FirstOrDefault(t => t.IsLatest) ?? targets[^1]).Id;
            var versions = new JsonArray([.. targets.Select(t => (JsonNode)JsonValue.Create(t.Version))]);
            JsonObject changes;
            if (options.Hard)
            {
                var references = await scope.Connection.QuerySingleAsync<ReferenceCounts>(scope.Command(Sql.CountReferences, new { Ids = ids })).ConfigureAwait(false);
                if (references.Telemetry + references.AbTests > 0 && !options.Force)
                {
                    throw new CatalogOperationException(
                        $"Cannot hard-delete {described}: {references.Telemetry} telemetry row(s) and {references.AbTests} A/B test(s) "
                        + "reference it. Soft-delete it instead (the default, which keeps the history), or force the hard delete "
                        + "(--force), which also deletes those telemetry rows and A/B tests.");
                }

                // The audit row keeps everything removed: creations are audited by reference to the version rows
                // (AuditContent), so this row is where their content lives on.
                var removed = await LoadByIdsAsync(scope.Connection, scope.Transaction, ids, scope.CancellationToken).ConfigureAwait(false);
                var doc = removed.Single(t => t.Id == entityId).Definition;
                changes = JsonDiff.Compute(ToolJson.ToNode(doc), null);
                changes[AuditContent.HashField] = new JsonObject { ["old"] = ToolJson.ContentSha256(doc), ["new"] = null };
                changes["versions"] = new JsonObject { ["old"] = versions, ["new"] = null };
                var others = removed.Where(t => t.Id != entityId).OrderBy(t => t.Id).ToList();
                if (others.Count > 0)
                {
                    var removedVersions = new JsonObject();
                    foreach (var other in others)
                    {
                        removedVersions[other.Definition.Version] = AuditContent.RemovedVersion(other.Id, other.Definition);
                    }

                    changes[AuditContent.RemovedVersionsField] = new JsonObject { ["old"] = removedVersions, ["new"] = null };
                }
                if (references.Telemetry + references.AbTests > 0)
                {
                    await scope.Connection.ExecuteAsync(scope.Command(Sql.DeleteReferences, new { Ids = ids })).ConfigureAwait(false);
                    changes["references"] = new JsonObject
                    {
                        ["old"] = new JsonObject { ["telemetry"] = references.Telemetry, ["ab_tests"] = references.AbTests },
                        ["new"] = null,
                    };
                }

                await scope.Connection.ExecuteAsync(scope.Command(Sql.HardDelete, new { Ids = ids })).ConfigureAwait(false);
            }
            else
            {
                await scope.Connection.ExecuteAsync(scope.Command(Sql.SoftDelete, new { Ids = ids, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
                changes = JsonDiff.Single("deleted", false, true);
                changes["versions"] = new JsonObject { ["old"] = versions, ["new"] = new JsonArray() };
            }

            scope.Record(new AuditEntry(entityId, toolName, options.Version, options.Hard ? AuditActions.HardDeleted : AuditActions.Deleted, JsonDiff.ToJson(changes)));
            return options.Version;
        }, cancellationToken).ConfigureAwait(false);
        return new CatalogWriteResult(revision, toolName, version, changed);
    }

    private async Task<CatalogWriteResult> PublishCoreAsync(ToolDefinition tool, ChangeContext change, bool mustBeNew, CancellationToken cancellationToken)
    {
        StorageRules.Check(tool);
        var compatibility = CompatibilityNode(change.Compatibility);
        var operation = mustBeNew ? "create" : "publish";
        var (version, revision, changed) = await RunWriteAsync(operation, tool.Name, change, StatementRowWriter.Instance, async scope =>
        {
            scope.Subjects.Add(tool);
            await CheckExpectedRevisionAsync(scope, tool.Name).ConfigureAwait(false);
            var heads = await LockVersionHeadsAsync(scope, tool.Name).ConfigureAwait(false);
            var previous = heads.FirstOrDefault(h => h.IsLatest);
            if (mustBeNew && heads.Any(h => !h.IsDeleted))
            {
                throw new CatalogOperationException(
                    $"Tool '{tool.Name}' exists already (latest version '{previous?.Version ?? heads.Last(h => !h.IsDeleted).Version}'); "
                    + "publish the change as a new version instead.");
            }

            if (heads.FirstOrDefault(h => h.Version == tool.Version) is { } existing)
            {
                throw new CatalogOperationException(existing.IsDeleted
                    ? $"Version '{tool.Version}' of tool '{tool.Name}' existed and was deleted; versions are immutable and keep their "
                        + $"number: publish under a new version (for example '{SuggestNextVersion(heads[^1].Version)}'), or restore it by importing it unchanged."
                    : $"Version '{tool.Version}' of tool '{tool.Name}' exists already; versions are immutable: publish the change under "
                        + $"a new version (for example '{SuggestNextVersion(heads[^1].Version)}').");
            }

            var previousTool = previous is null
                ? null
                : (await LoadByIdsAsync(scope.Connection, scope.Transaction, [previous.Id], scope.CancellationToken).ConfigureAwait(false)).Single().Definition;
            tool = SecretSealer.Seal(tool, previousTool, _secrets);
            var ids = await AllocateIdsAsync(scope.Connection, scope.Transaction, [tool], scope.CancellationToken).ConfigureAwait(false);
            var row = AssignIds([tool], ids)[0];
            row.ParentId = previous?.Id ?? (heads.Count > 0 ? heads[^1].Id : null);
            row.IsLatest = true;
            if (previous is not null)
            {
                await scope.Connection.ExecuteAsync(scope.Command(Sql.ClearLatest, new { Names = new[] { tool.Name }, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
            }

            await StatementRowWriter.Instance.InsertVersionsAsync(scope.Connection, scope.Transaction, [row], scope.Now, scope.Change.Actor, scope.CancellationToken).ConfigureAwait(false);
            scope.Record(previous is null
                ? new AuditEntry(row.Id, tool.Name, tool.Version, AuditActions.Created, AuditContent.Created(row.Id, tool))
                : new AuditEntry(row.Id, tool.Name, tool.Version, AuditActions.Published, WithCompatibility(Diff(previousTool, tool), compatibility)));
            return tool.Version;
        }, cancellationToken).ConfigureAwait(false);
        return new CatalogWriteResult(revision, tool.Name, version, changed);
    }

    /// <summary><see cref="ChangeContext.Compatibility"/> parsed, checked before anything is written.</summary>
    private static JsonObject? CompatibilityNode(string? compatibility)
    {
        if (compatibility is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(compatibility) as JsonObject
                ?? throw new ArgumentException("ChangeContext.Compatibility must be a JSON object.", nameof(compatibility));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"ChangeContext.Compatibility is not valid JSON: {e.Message}", nameof(compatibility), e);
        }
    }

    /// <summary>A publish's diff with the compatibility verdict added as <c>$compatibility: {old: null, new: verdict}</c> (a name no tool field has).</summary>
    private static string WithCompatibility(string diff, JsonObject? compatibility)
    {
        if (compatibility is null)
        {
            return diff;
        }

        var changes = JsonNode.Parse(diff) as JsonObject ?? [];
        changes["$compatibility"] = new JsonObject { ["old"] = null, ["new"] = compatibility.DeepClone() };
        return JsonDiff.ToJson(changes);
    }

    private async Task<CatalogWriteResult> SetStateAsync(
        string operation,
        string toolName,
        string? version,
        ChangeContext? change,
        Func<ToolStatus, bool, (ToolStatus Status, bool Enabled)> transition,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        change ??= ChangeContext.Anonymous;
        var (chosen, revision, changed) = await RunWriteAsync(operation, toolName, change, StatementRowWriter.Instance, async scope =>
        {
            await CheckExpectedRevisionAsync(scope, toolName).ConfigureAwait(false);
            var heads = await LockOwnVersionHeadsAsync(scope, toolName).ConfigureAwait(false);
            var target = version is null
                ? heads.FirstOrDefault(h => h.IsLatest) ?? throw ToolNotFoundException.For(toolName, null)
                : heads.FirstOrDefault(h => h.Version == version && !h.IsDeleted) ?? throw ToolNotFoundException.For(toolName, version);
            var oldStatus = ToolAssembler.ParseStatus(target.Status);
            var (newStatus, newEnabled) = transition(oldStatus, target.Enabled);
            if (newStatus == oldStatus && newEnabled == target.Enabled)
            {
                return target.Version;
            }

            await scope.Connection.ExecuteAsync(scope.Command(Sql.SetState, new
            {
                target.Id,
                Status = newStatus.ToWire(),
                Enabled = newEnabled,
                scope.Now,
                scope.Change.Actor,
            })).ConfigureAwait(false);
            var (action, changes) = newEnabled != target.Enabled
                ? (newEnabled ? AuditActions.Enabled : AuditActions.Disabled, StateDiff("enabled", target.Enabled, newEnabled))
                : (newStatus == ToolStatus.Deprecated ? AuditActions.Deprecated : AuditActions.Updated, StateDiff("status", oldStatus.ToWire(), newStatus.ToWire()));
            scope.Record(new AuditEntry(target.Id, toolName, target.Version, action, changes));
            return target.Version;
        }, cancellationToken).ConfigureAwait(false);
        return new CatalogWriteResult(revision, toolName, chosen, changed);
    }
}
