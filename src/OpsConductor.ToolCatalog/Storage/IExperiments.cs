using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// A/B experiments of tool versions: define, start, stop, read results, promote. Registered by <c>AddToolCatalog</c>
/// in PostgreSQL mode, over the catalog's <see cref="ToolCatalogStore"/> (whose methods of the same names it calls);
/// every state change is one audited transaction, and a promotion or rollback changes the tool in the same one. In the
/// Storage namespace because its methods take a <see cref="ChangeContext"/> (the Experiments namespace holds the pure
/// definitions and statistics, which the store uses).
/// </summary>
public interface IExperiments
{
    /// <summary>Every stored experiment, by name.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The experiments.</returns>
    Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The experiment named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The experiment, or null.</returns>
    Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Defines a draft experiment (<see cref="ToolCatalogStore.CreateExperimentAsync"/>).</summary>
    /// <param name="definition">What it compares.</param>
    /// <param name="change">Who and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The stored experiment.</returns>
    Task<Experiment> CreateAsync(ExperimentDefinition definition, ChangeContext? change = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a draft experiment.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="change">Who and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment after the change.</returns>
    Task<Experiment> StartAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default);

    /// <summary>Stops a running experiment without a decision.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="change">Who and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment after the change.</returns>
    Task<Experiment> StopAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default);

    /// <summary>The experiment's results from telemetry (<see cref="ToolCatalogStore.GetExperimentResultsAsync"/>).</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="attribution">Which records count.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The results.</returns>
    Task<ExperimentResults> GetResultsAsync(string name, ExperimentAttribution attribution = ExperimentAttribution.Enrolled, CancellationToken cancellationToken = default);

    /// <summary>Promotes the winner on approval (<see cref="ToolCatalogStore.PromoteExperimentAsync"/>).</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="arm">The arm to adopt; null for the results' winner.</param>
    /// <param name="change">Who approves and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The completed experiment.</returns>
    Task<Experiment> PromoteAsync(string name, ExperimentArm? arm = null, ChangeContext? change = null, CancellationToken cancellationToken = default);

    /// <summary>Evaluates a running experiment and acts: rollback on a guardrail breach, promotion when conclusive and
    /// automatic (<see cref="ToolCatalogStore.EvaluateExperimentAsync"/>).</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <returns>The results and what was done.</returns>
    Task<ExperimentEvaluation> EvaluateAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary><see cref="IExperiments"/> over the store.</summary>
internal sealed class StoreExperiments(ToolCatalogStore store) : IExperiments
{
    public Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default) => store.ListExperimentsAsync(cancellationToken);

    public Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default) => store.GetExperimentAsync(name, cancellationToken);

    public Task<Experiment> CreateAsync(ExperimentDefinition definition, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        store.CreateExperimentAsync(definition, change, cancellationToken);

    public Task<Experiment> StartAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        store.StartExperimentAsync(name, change, cancellationToken);

    public Task<Experiment> StopAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        store.StopExperimentAsync(name, change, cancellationToken);

    public Task<ExperimentResults> GetResultsAsync(string name, ExperimentAttribution attribution = ExperimentAttribution.Enrolled, CancellationToken cancellationToken = default) =>
        store.GetExperimentResultsAsync(name, attribution, cancellationToken);

    public Task<Experiment> PromoteAsync(string name, ExperimentArm? arm = null, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        store.PromoteExperimentAsync(name, arm, ExperimentAttribution.Enrolled, change, cancellationToken);

    public Task<ExperimentEvaluation> EvaluateAsync(string name, CancellationToken cancellationToken = default) =>
        store.EvaluateExperimentAsync(name, null, cancellationToken);
}
