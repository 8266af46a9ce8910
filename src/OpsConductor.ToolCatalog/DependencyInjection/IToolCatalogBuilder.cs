using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the tool catalog registered by <see cref="ToolCatalogServiceCollectionExtensions.AddToolCatalog"/>.</summary>
public interface IToolCatalogBuilder
{
    /// <summary>The services the catalog is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Configures the <see cref="ToolSelector"/>'s policy and scoring options.</summary>
    IToolCatalogBuilder ConfigureSelection(Action<SelectionOptions> configure);

    /// <summary>Configures the <see cref="ITelemetryRecorder"/>'s buffer and batches.</summary>
    IToolCatalogBuilder ConfigureTelemetry(Action<TelemetryOptions> configure);

    /// <summary>Registers the host's tie-breaker (for example its LLM), consulted by <see cref="ToolSelector.SelectAsync"/> for close calls.</summary>
    IToolCatalogBuilder AddTieBreaker<TTieBreaker>()
        where TTieBreaker : class, ITieBreaker;
}
