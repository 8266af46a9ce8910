using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>
/// The changes of the telemetry and experiment pages, authorized as the REST API authorizes them: applying a
/// recommendation and starting, stopping or concluding an experiment need <see cref="ToolCatalogPolicies.ToolOwner"/>
/// for the tool concerned (an admin, or an owner of that tool); creating an experiment needs
/// <see cref="ToolCatalogPolicies.Admin"/>. Each writes through the store's method the API's endpoint calls, with the
/// principal as the actor, and answers once the server's snapshot has the change. They are the global catalog's
/// (telemetry and experiments are global): a principal bound to a tenant is refused every one of them, as the API refuses
/// it (<c>tenant-global-only</c>), and they write through the server's own store, never a tenant's.
/// </summary>
internal sealed partial class AdminActions
{
    /// <summary>Whether the signed-in principal has the admin role (what creating an experiment needs).</summary>
    public async Task<bool> IsAdminAsync() =>
        (await authorization.AuthorizeAsync(await UserAsync(), null, ToolCatalogPolicies.Admin)).Succeeded;

    /// <summary>Publishes recommendation <paramref name="id"/> as a new version of its tool (<see cref="ToolCatalogStore.ApplyRecommendationAsync"/>).</summary>
    public async Task<AdminResult> ApplyRecommendationAsync(long id, CancellationToken cancellationToken = default)
    {
        if (await GlobalOnlyAsync($"telemetry recommendation {id}") is { } refused)
        {
            return refused;
        }

        if (await globalStore.GetRecommendationAsync(id, cancellationToken) is not { } recommendation)
        {
            return AdminResult.Refused($"There is no telemetry recommendation {id}. Nothing was changed.");
        }

        var user = await UserAsync();
        if (!await CanChangeAsync(recommendation.Tool))
        {
            return AdminResult.Refused(
                $"Refused: '{ActorOf(user)}' may not apply recommendation {id}: it publishes a new version of tool '{recommendation.Tool}', which needs the admin role or an owner key of that tool. Nothing was changed.");
        }

        try
        {
            var applied = await globalStore.ApplyRecommendationAsync(id, new ChangeContext { Actor = ActorOf(user), Reason = Reason }, cancellationToken);
            await SeenAsync(applied.Revision, cancellationToken);
            return new AdminResult(true,
                $"Recommendation {id} applied: tool '{applied.Recommendation.Tool}' version {applied.NewVersion} published with {recommendation.Field} '{recommendation.Recommended}' (was version {applied.PreviousVersion}).");
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Recommendation {id} was not applied: {e.Message}");
        }
    }

    /// <summary>Defines a draft experiment (<see cref="ToolCatalogStore.CreateExperimentAsync"/>); admins only, as the API.</summary>
    public async Task<AdminResult> CreateExperimentAsync(ExperimentDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (await GlobalOnlyAsync($"experiment '{definition.Name}'") is { } refused)
        {
            return refused;
        }

        var user = await UserAsync();
        if (!await IsAdminAsync())
        {
            return AdminResult.Refused($"Refused: '{ActorOf(user)}' may not create experiment '{definition.Name}': creating an experiment needs the admin role. Nothing was changed.");
        }

        try
        {
            var created = await globalStore.CreateExperimentAsync(definition, new ChangeContext { Actor = ActorOf(user), Reason = Reason }, cancellationToken);
            return new AdminResult(true, $"Experiment '{created.Name}' created as a draft: tool '{created.Definition.Tool}', a = {created.Definition.VersionA}, b = {created.Definition.VersionB}.");
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Experiment '{definition.Name}' was not created: {e.Message}");
        }
    }

    /// <summary>Starts a draft experiment (draft → running).</summary>
    public Task<AdminResult> StartExperimentAsync(string name, CancellationToken cancellationToken = default) =>
        ChangeExperimentAsync(name, "start", change => globalStore.StartExperimentAsync(name, change, cancellationToken), cancellationToken);

    /// <summary>Stops a running experiment without a decision (running → stopped).</summary>
    public Task<AdminResult> StopExperimentAsync(string name, CancellationToken cancellationToken = default) =>
        ChangeExperimentAsync(name, "stop", change => globalStore.StopExperimentAsync(name, change, cancellationToken), cancellationToken);

    /// <summary>
    /// Concludes an experiment with <paramref name="arm"/> (<see cref="ToolCatalogStore.PromoteExperimentAsync"/>: b becomes
    /// the latest version, or a is kept and b retired), refused as the API refuses it (sample-ratio mismatch, an arm the
    /// conclusive results contradict, b after a breached guardrail).
    /// </summary>
    public Task<AdminResult> ConcludeExperimentAsync(string name, ExperimentArm arm, CancellationToken cancellationToken = default) =>
        ChangeExperimentAsync(name, arm == ExperimentArm.B ? "promote arm b of" : "keep arm a of",
            change => globalStore.PromoteExperimentAsync(name, arm, ExperimentAttribution.Enrolled, change, cancellationToken), cancellationToken);

    private async Task<AdminResult> ChangeExperimentAsync(string name, string what, Func<ChangeContext, Task<Experiment>> write, CancellationToken cancellationToken)
    {
        if (await GlobalOnlyAsync($"experiment '{name}'") is { } refused)
        {
            return refused;
        }

        if (await globalStore.GetExperimentAsync(name, cancellationToken) is not { } experiment)
        {
            return AdminResult.Refused($"There is no experiment named '{name}'. Nothing was changed.");
        }

        var user = await UserAsync();
        if (!await CanChangeAsync(experiment.Definition.Tool))
        {
            return AdminResult.Refused(
                $"Refused: '{ActorOf(user)}' may not {what} experiment '{name}': it needs the admin role or an owner key of its tool '{experiment.Definition.Tool}'. Nothing was changed.");
        }

        try
        {
            var changed = await write(new ChangeContext { Actor = ActorOf(user), Reason = Reason });
            await SeenAsync(await globalStore.GetRevisionAsync(cancellationToken), cancellationToken);
            return new AdminResult(true, $"Experiment '{name}' is now {ExperimentView.State(changed.State)}"
                + (changed.Winner is { } winner ? $" with winner {(winner == ExperimentArm.B ? "b" : "a")}." : "."));
        }
        catch (ToolCatalogException e)
        {
            return AdminResult.Refused($"Experiment '{name}' was not changed ({what} it was refused): {e.Message}");
        }
    }

    /// <summary>The refusal of a global catalog's operation for a principal bound to a tenant (the API's <c>tenant-global-only</c> rule); null for a principal of the global catalog.</summary>
    private async Task<AdminResult?> GlobalOnlyAsync(string what)
    {
        var user = await UserAsync();
        return scope.Tenant is { } tenant
            ? AdminResult.Refused(Security.AdminTenants.GlobalOnlyMessage(user.Identity?.Name, tenant, what))
            : null;
    }
}
