using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.DependencyInjection;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the decision log registered by <c>AddToolCatalog</c> (off until enabled).</summary>
public static class DecisionLogBuilderExtensions
{
    /// <summary>
    /// Configures the decision log (<see cref="IDecisionLog"/>): for example
    /// <c>.ConfigureDecisionLog(o =&gt; { o.Enabled = true; o.SampleRate = 0.01; })</c>. Checked when the host starts.
    /// </summary>
    /// <param name="builder">The catalog's builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IToolCatalogBuilder ConfigureDecisionLog(this IToolCatalogBuilder builder, Action<DecisionLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}

/// <summary>The decision log's services, added by <c>AddToolCatalog</c>.</summary>
internal static class DecisionLogRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<DecisionLogOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DecisionLogOptions>, DecisionLogOptionsValidator>());
        services.TryAddSingleton(static sp => new DecisionLog(
            sp.GetRequiredService<ToolCatalogRuntime>().Store,
            sp.GetRequiredService<IOptions<DecisionLogOptions>>().Value,
            sp.GetRequiredService<IOptions<SelectionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<IDecisionLog>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IDecisionLog>(static sp => sp.GetRequiredService<DecisionLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DecisionLogHostedService>());
    }
}

/// <summary>Starts the decision log's writers with the host and flushes them when it stops.</summary>
internal sealed class DecisionLogHostedService(DecisionLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => log.StopAsync(cancellationToken);
}

/// <summary>Checks the decision log's options when the host starts; a failure names the option and what is allowed.</summary>
internal sealed class DecisionLogOptionsValidator : IValidateOptions<DecisionLogOptions>
{
    public ValidateOptionsResult Validate(string? name, DecisionLogOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
