using System.Diagnostics;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>
    /// Imports tool definitions (validated by the caller). For each input the report says what happens: a new tool, a
    /// new version (which becomes the latest), unchanged, a state change (<c>status</c>/<c>enabled</c> only), a
    /// restored (soft-deleted) version, or refused — notably an existing version with different content, since
    /// versions are immutable. By default all or nothing: one refused input and nothing is written. Everything is
    /// written in one transaction with one revision, one audit row per changed tool and one notification for the
    /// batch; bulk rows go in with binary COPY. Re-importing unchanged tools writes nothing at all.
    /// </summary>
    /// <remarks>Several versions of one tool may be imported at once; they are published in input order, so the last
    /// one becomes the latest (an export with all versions lists each tool's latest last). A restored version becomes
    /// the latest only when the tool had no latest version (it was deleted as a whole).</remarks>
    /// <exception cref="CatalogConflictException">The change states an <see cref="ChangeContext.ExpectedRevision"/> and
    /// one of the imported tools changed after it: nothing is written.</exception>
    public Task<ImportReport> ImportAsync(IReadOnlyList<ToolDefinition> tools, ImportOptions? options = null, CancellationToken cancellationToken = default) =>
        ImportAsync(tools, options ?? new ImportOptions(), RowWriteMode.Copy, cancellationToken);

    /// <summary>The import, with the row writer chosen (the benchmark compares COPY with one INSERT per row).</summary>
    internal async Task<ImportReport> ImportAsync(IReadOnlyList<ToolDefinition> tools, ImportOptions options, RowWriteMode writeMode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var timings = new ImportTimings();
        var items = new PlannedItem[tools.Count];
        var firstIndex = new Dictionary<(string, string), int>();
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i] ?? throw new ArgumentException($"The tool at position {i} is null.", nameof(tools));
            items[i] = new PlannedItem(i, tool);
            if (StorageRules.FindProblem(tool) is { } problem)
            {
                items[i].Refuse(problem);
            }
            else if (!firstIndex.TryAdd((tool.Name, tool.Version), i))
            {
                items[i].Refuse($"Tool '{tool.Name}' version '{tool.Version}' appears twice in the input (also at position {firstIndex[(tool.Name, tool.Version)]}); each version can be imported once.");
            }
        }

        timings.Check = timings.Lap();
        var perTool = options.Mode == ImportMode.PerTool;
        // PostgreSQL refuses COPY FROM into tables with row-level security for roles it applies to: a tenant's import
        // (an overlay: tens of tools, not thousands) writes its rows with statements.
        IRowWriter writer = writeMode == RowWriteMode.Copy && !perTool && _tenant is null ? CopyRowWriter.Instance : StatementRowWriter.Instance;
        var subject = tools.Count == 1 ? tools[0].Name : $"{tools.Count} tools";
        var (_, revision, applied) = await RunWriteAsync("import", subject, options.Change, writer, async scope =>
        {
            timings.Begin = timings.Lap();
            await CheckExpectedRevisionAsync(scope, [.. items.Select(i => i.Tool.Name).Distinct(StringComparer.Ordinal)]).ConfigureAwait(false);
            var planner = await ImportPlanner.LoadAsync(scope, items.Where(i => i.Outcome != ImportOutcome.Refused).Select(i => i.Tool).ToList()).ConfigureAwait(false);
            if (!perTool)
            {
                foreach (var item in items.Where(i => i.Outcome != ImportOutcome.Refused))
                {
                    planner.SealSecrets(item, _secrets);
                    if (item.Outcome != ImportOutcome.Refused)
                    {
                        planner.Classify(item);
                    }
                }

                if (options.DryRun || items.Any(i => i.Outcome == ImportOutcome.Refused))
                {
                    return 0;
                }

                timings.Plan = timings.Lap();
                scope.Subjects.AddRange(items.Where(i => i.IsWrite).Select(i => i.Tool));
                await ApplyImportAsync(scope, planner, items.Where(i => i.IsWrite).ToList(), writer, timings).ConfigureAwait(false);
                return 0;
            }

            foreach (var item in items.Where(i => i.Outcome != ImportOutcome.Refused))
            {
                var before = planner.Save(item.Tool.Name);
                planner.SealSecrets(item, _secrets);
                if (item.Outcome == ImportOutcome.Refused)
                {
                    continue;
                }

                planner.Classify(item);
                if (options.DryRun || !item.IsWrite)
                {
                    continue;
                }

                await scope.Connection.ExecuteAsync(scope.Command(Sql.Savepoint)).ConfigureAwait(false);
                try
                {
                    await ApplyImportAsync(scope, planner, [item], writer, null).ConfigureAwait(false);
                    await scope.Connection.ExecuteAsync(scope.Command(Sql.ReleaseSavepoint)).ConfigureAwait(false);
                }
                catch (PostgresException e) when (Translate(e, item.Tool.Name, [item.Tool]) is { } translated)
                {
                    await scope.Connection.ExecuteAsync(scope.Command(Sql.RollbackToSavepoint)).ConfigureAwait(false);
                    planner.Restore(item.Tool.Name, before);
                    item.Fail(translated.Message);
                }
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        var finish = timings.Lap();

        var report = new ImportReport(options.DryRun, applied, revision, items.Select(i => i.ToResult()).ToList());
        var refused = report.Count(ImportOutcome.Refused);
        if (refused > 0 && !perTool)
        {
            StorageLog.ImportRefused(_logger, tools.Count, refused);
        }
        else if (applied)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var created = report.Count(ImportOutcome.NewTool);
            var published = report.Count(ImportOutcome.NewVersion);
            var unchanged = report.Count(ImportOutcome.Unchanged);
            StorageLog.ImportCommitted(_logger, tools.Count, revision, elapsed, created, published, unchanged);
            if (!perTool)
            {
                StorageLog.ImportPhases(_logger, tools.Count, timings.Check, timings.Begin, timings.Plan, timings.Ids, timings.Rows, timings.AuditWait, finish);
            }
        }

        return report;
    }

    /// <summary>Writes the planned changes of <paramref name="batch"/> (in input order) and records their audit rows.</summary>
    private static async Task ApplyImportAsync(WriteScope scope, ImportPlanner planner, IReadOnlyList<PlannedItem> batch, IRowWriter writer, ImportTimings? timings)
    {
        // The last item claiming "latest" for a name ends up latest.
        var finalLatest = new Dictionary<string, PlannedItem>(StringComparer.Ordinal);
        foreach (var item in batch.Where(i => i.ClaimsLatest))
        {
            finalLatest[item.Tool.Name] = item;
        }

        var newItems = batch.Where(i => i.Outcome is ImportOutcome.NewTool or ImportOutcome.NewVersion).ToList();
        if (newItems.Count > 0)
        {
            var ids = await AllocateIdsAsync(scope.Connection, scope.Transaction, newItems.Select(i => i.Tool).ToList(), scope.CancellationToken).ConfigureAwait(false);
            var rows = AssignIds(newItems.Select(i => i.Tool).ToList(), ids);
            for (var i = 0; i < newItems.Count; i++)
            {
                newItems[i].Row = rows[i];
            }

            foreach (var item in newItems)
            {
                item.Row!.ParentId = item.ParentItem?.Id ?? item.ParentId;
                item.Row.IsLatest = finalLatest.GetValueOrDefault(item.Tool.Name) == item;
            }
        }

        timings?.Ids = timings.Lap();

        // The audit rows are pure CPU work (content hashes of created versions, diffs of new versions against their
        // parents): for big batches, build them on other cores while the rows stream to the server.
        var entriesTask = batch.Count >= 256
            ? Task.Run(() => BuildAuditEntries(batch, parallel: true), scope.CancellationToken)
            : Task.FromResult(BuildAuditEntries(batch, parallel: false));

        var losingLatest = finalLatest
            .Where(f => planner.CommittedLatestId(f.Key) is { } current && current != (f.Value.Row?.Id ?? f.Value.Existing!.Id))
            .Select(f => f.Key)
            .ToArray();
        if (losingLatest.Length > 0)
        {
            await scope.Connection.ExecuteAsync(scope.Command(Sql.ClearLatest, new { Names = losingLatest, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
        }

        if (newItems.Count > 0)
        {
            await writer.InsertVersionsAsync(scope.Connection, scope.Transaction, newItems.Select(i => i.Row!).ToList(), scope.Now, scope.Change.Actor, scope.CancellationToken).ConfigureAwait(false);
        }

        foreach (var item in batch.Where(i => i.Outcome is ImportOutcome.Restored or ImportOutcome.StateChanged))
        {
            var sql = item.Outcome == ImportOutcome.Restored ? Sql.Restore : Sql.SetState;
            await scope.Connection.ExecuteAsync(scope.Command(sql, new
            {
                item.Existing!.Id,
                Status = item.Tool.Status.ToWire(),
                item.Tool.Enabled,
                scope.Now,
                scope.Change.Actor,
            })).ConfigureAwait(false);
            if (finalLatest.GetValueOrDefault(item.Tool.Name) == item)
            {
                await scope.Connection.ExecuteAsync(scope.Command(Sql.MakeLatest, new { item.Existing.Id, scope.Now, scope.Change.Actor })).ConfigureAwait(false);
            }
        }

        timings?.Rows = timings.Lap();
        foreach (var entry in await entriesTask.ConfigureAwait(false))
        {
            scope.Record(entry);
        }

        timings?.AuditWait = timings.Lap();

        foreach (var (name, item) in finalLatest)
        {
            planner.CommitLatest(name, item.Id);
        }
    }

    /// <summary>The audit rows of <paramref name="batch"/>, in order: a created version by reference to its row
    /// (<see cref="AuditContent"/>), a new version as its diff against the previous latest, a restored or state-changed
    /// version as its state change.</summary>
    private static AuditEntry[] BuildAuditEntries(IReadOnlyList<PlannedItem> batch, bool parallel)
    {
        var entries = new AuditEntry[batch.Count];
        void Build(int i)
        {
            var item = batch[i];
            entries[i] = item.Outcome switch
            {
                ImportOutcome.NewTool => new AuditEntry(item.Id, item.Tool.Name, item.Tool.Version, AuditActions.Created, AuditContent.Created(item.Id, item.Tool)),
                ImportOutcome.NewVersion => new AuditEntry(item.Id, item.Tool.Name, item.Tool.Version, AuditActions.Published, Diff(item.Previous, item.Tool)),
                ImportOutcome.Restored => new AuditEntry(item.Id, item.Tool.Name, item.Tool.Version, AuditActions.Restored, RestoreDiff(item)),
                _ => new AuditEntry(item.Id, item.Tool.Name, item.Tool.Version, AuditActions.Updated, RestoreDiff(item)),
            };
        }

        if (parallel)
        {
            // Leave a core to the thread streaming the rows and one to a local server.
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 2) };
            Parallel.For(0, batch.Count, options, Build);
        }
        else
        {
            for (var i = 0; i < batch.Count; i++)
            {
                Build(i);
            }
        }

        return entries;
    }

    /// <summary>The diff of a restored or state-changed version: <c>deleted</c> (when restored), <c>status</c>, <c>enabled</c>.</summary>
    private static string RestoreDiff(PlannedItem item)
    {
        var changes = new System.Text.Json.Nodes.JsonObject();
        if (item.Outcome == ImportOutcome.Restored)
        {
            changes["deleted"] = new System.Text.Json.Nodes.JsonObject { ["old"] = true, ["new"] = false };
        }

        var stored = item.Stored!;
        if (stored.Status != item.Tool.Status)
        {
            changes["status"] = new System.Text.Json.Nodes.JsonObject { ["old"] = stored.Status.ToWire(), ["new"] = item.Tool.Status.ToWire() };
        }

        if (stored.Enabled != item.Tool.Enabled)
        {
            changes["enabled"] = new System.Text.Json.Nodes.JsonObject { ["old"] = stored.Enabled, ["new"] = item.Tool.Enabled };
        }

        return JsonDiff.ToJson(changes);
    }

    /// <summary>Where a bulk import's time went, phase by phase (logged at Debug level, event 4022).</summary>
    private sealed class ImportTimings
    {
        private long _last = Stopwatch.GetTimestamp();

        public double Check { get; set; }

        public double Begin { get; set; }

        public double Plan { get; set; }

        public double Ids { get; set; }

        public double Rows { get; set; }

        public double AuditWait { get; set; }

        /// <summary>Milliseconds since the previous lap.</summary>
        public double Lap()
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds;
            _last = now;
            return elapsed;
        }
    }

    /// <summary>One input of an import and what is planned for it.</summary>
    private sealed class PlannedItem(int index, ToolDefinition tool)
    {
        public int Index { get; } = index;

        public ToolDefinition Tool { get; set; } = tool;

        public ImportOutcome Outcome { get; set; } = ImportOutcome.Unchanged;

        public string? Message { get; private set; }

        /// <summary>The stored version with the same name and version, if any.</summary>
        public VersionHead? Existing { get; set; }

        /// <summary>The stored definition of <see cref="Existing"/>.</summary>
        public ToolDefinition? Stored { get; set; }

        /// <summary>The tool's latest version before this item (for the audit diff).</summary>
        public ToolDefinition? Previous { get; set; }

        /// <summary>The parent of a new version: a stored version's id, or an earlier item of the batch.</summary>
        public long? ParentId { get; set; }

        public PlannedItem? ParentItem { get; set; }

        /// <summary>Whether this item becomes the latest version (the last claimer per tool wins).</summary>
        public bool ClaimsLatest { get; set; }

        public NewVersion? Row { get; set; }

        public long Id => Row?.Id ?? Existing?.Id ?? throw new InvalidOperationException("The item has no id yet.");

        public bool IsWrite => Outcome is ImportOutcome.NewTool or ImportOutcome.NewVersion or ImportOutcome.StateChanged or ImportOutcome.Restored;

        public void Refuse(string message)
        {
            Outcome = ImportOutcome.Refused;
            Message = message;
        }

        public void Fail(string message)
        {
            Outcome = ImportOutcome.Failed;
            Message = message;
        }

        public ImportItemResult ToResult() => new(Index, Tool.Name, Tool.Version, Outcome, Message);
    }

    /// <summary>What the database holds for the imported tool names, and what the import has planned so far.</summary>
    private sealed class ImportPlanner
    {
        private readonly Dictionary<string, List<VersionHead>> _heads;
        private readonly Dictionary<long, StoredTool> _stored;
        private readonly HashSet<string> _hadLatest;
        private readonly Dictionary<string, long?> _committedLatest = new(StringComparer.Ordinal);
        private readonly Dictionary<string, LatestState> _planned = new(StringComparer.Ordinal);

        private ImportPlanner(Dictionary<string, List<VersionHead>> heads, Dictionary<long, StoredTool> stored)
        {
            _heads = heads;
            _stored = stored;
            _hadLatest = new HashSet<string>(heads.Where(h => h.Value.Any(v => v.IsLatest)).Select(h => h.Key), StringComparer.Ordinal);
            foreach (var (name, versions) in heads)
            {
                var latest = versions.FirstOrDefault(v => v.IsLatest);
                _committedLatest[name] = latest?.Id;
                _planned[name] = new LatestState(latest?.Id, null, latest is null ? null : stored[latest.Id].Definition, versions.Count > 0 ? versions[^1].Id : null);
            }
        }

        /// <summary>Reads the stored versions of every tool name in <paramref name="tools"/>, and the definitions of the
        /// latest versions and of the versions the input names.</summary>
        public static async Task<ImportPlanner> LoadAsync(WriteScope scope, IReadOnlyList<ToolDefinition> tools)
        {
            var names = tools.Select(t => t.Name).Distinct(StringComparer.Ordinal).ToArray();
            var heads = names.Length == 0
                ? []
                : (await scope.Connection.QueryAsync<VersionHead>(scope.Command(Sql.SelectVersionHeads, new { Names = names })).ConfigureAwait(false)).ToList();
            var byName = heads.GroupBy(h => h.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var wanted = new HashSet<(string, string)>(tools.Select(t => (t.Name, t.Version)));
            var ids = heads.Where(h => h.IsLatest || wanted.Contains((h.Name, h.Version))).Select(h => h.Id).ToList();
            var stored = (await LoadByIdsAsync(scope.Connection, scope.Transaction, [.. ids], scope.CancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);
            return new ImportPlanner(byName, stored);
        }

        /// <summary>Seals the item's secrets (<see cref="SecretSealer"/>): the mask refers to the stored version of the
        /// same number when there is one, else to the tool's latest version as planned so far; refuses the item when a secret
        /// cannot be sealed (no key configured, or a mask with nothing stored at its path).</summary>
        public void SealSecrets(PlannedItem item, Secrets.ISecretProtector? protector)
        {
            var tool = item.Tool;
            var existing = (_heads.GetValueOrDefault(tool.Name) ?? []).FirstOrDefault(v => v.Version == tool.Version);
            var reference = existing is not null ? _stored[existing.Id].Definition : _planned.GetValueOrDefault(tool.Name)?.Definition;
            try
            {
                item.Tool = SecretSealer.Seal(tool, reference, protector);
            }
            catch (ToolCatalogException e)
            {
                item.Refuse(e.Message);
            }
        }

        public void Classify(PlannedItem item)
        {
            var tool = item.Tool;
            var versions = _heads.GetValueOrDefault(tool.Name) ?? [];
            var state = _planned.GetValueOrDefault(tool.Name) ?? new LatestState(null, null, null, null);
            var existing = versions.FirstOrDefault(v => v.Version == tool.Version);
            if (existing is not null)
            {
                var stored = _stored[existing.Id].Definition;
                item.Existing = existing;
                item.Stored = stored;
                if (stored with { Status = tool.Status, Enabled = tool.Enabled } != tool)
                {
                    item.Refuse(DifferentContentMessage(stored, tool, versions));
                    return;
                }

                if (existing.IsDeleted)
                {
                    item.Outcome = ImportOutcome.Restored;
                    item.Previous = state.Definition;
                    item.ClaimsLatest = !_hadLatest.Contains(tool.Name);
                    if (item.ClaimsLatest)
                    {
                        _planned[tool.Name] = state with { Id = existing.Id, Item = null, Definition = tool };
                    }
                }
                else
                {
                    item.Outcome = stored.Status != tool.Status || stored.Enabled != tool.Enabled ? ImportOutcome.StateChanged : ImportOutcome.Unchanged;
                }

                return;
            }

            var hasLatest = state.Id is not null || state.Item is not null;
            item.Outcome = hasLatest ? ImportOutcome.NewVersion : ImportOutcome.NewTool;
            item.Previous = state.Definition;
            item.ParentItem = state.Item;
            item.ParentId = state.Item is null ? state.Id ?? state.LastVersionId : null;
            item.ClaimsLatest = true;
            _planned[tool.Name] = new LatestState(null, item, tool, state.LastVersionId);
        }

        public LatestState? Save(string name) => _planned.GetValueOrDefault(name);

        public void Restore(string name, LatestState? saved)
        {
            if (saved is null)
            {
                _planned.Remove(name);
            }
            else
            {
                _planned[name] = saved;
            }
        }

        public long? CommittedLatestId(string name) => _committedLatest.GetValueOrDefault(name);

        /// <summary>After a successful write: <paramref name="id"/> is the latest version of <paramref name="name"/> in the database.</summary>
        public void CommitLatest(string name, long id)
        {
            _committedLatest[name] = id;
            _hadLatest.Add(name);
            _planned[name] = _planned.GetValueOrDefault(name) is { } planned
                ? planned with { Id = id, Item = null, LastVersionId = id }
                : new LatestState(id, null, null, id);
        }

        private static string DifferentContentMessage(ToolDefinition stored, ToolDefinition tool, List<VersionHead> versions)
        {
            var diff = JsonDiff.Compute(ToolJson.ToNode(stored with { Status = tool.Status, Enabled = tool.Enabled }), ToolJson.ToNode(tool));
            var fields = diff.Select(d => d.Key).ToList();
            var shown = string.Join(", ", fields.Take(5)) + (fields.Count > 5 ? $" and {fields.Count - 5} more" : "");
            var highest = versions.Count > 0 ? versions[^1].Version : tool.Version;
            return $"Version '{tool.Version}' of tool '{tool.Name}' is stored already with different content (differs in: {shown}). "
                + $"Versions are immutable: bump the version (for example to '{SuggestNextVersion(highest)}') to publish the change.";
        }
    }

    /// <summary>A tool's latest version as planned: stored (<see cref="Id"/>) or an item of the batch (<see cref="Item"/>).</summary>
    private sealed record LatestState(long? Id, PlannedItem? Item, ToolDefinition? Definition, long? LastVersionId);
}
