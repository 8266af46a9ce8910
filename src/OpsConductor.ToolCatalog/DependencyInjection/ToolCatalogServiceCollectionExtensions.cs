using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConductor.ToolCatalog.DependencyInjection;
using OpsConductor.ToolCatalog.Profiles;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the tool catalog in an <see cref="IServiceCollection"/>.</summary>
public static class ToolCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runtime catalog (<see cref="IToolCatalog"/> and <see cref="ToolCatalogRuntime"/>, one per container), the
    /// hosted service that starts it with the host and stops it with the host, the <see cref="ProfileLoader"/> facade,
    /// the <see cref="ToolSelector"/> and the <see cref="ToolCatalogHealthCheck"/>. The catalog uses the host's
    /// <see cref="NpgsqlDataSource"/> service, or a data source of its own built from
    /// <see cref="ToolCatalogOptions.ConnectionString"/> when that is set. Options are validated when the host starts.
    /// Calling it again only adds the extra <paramref name="configure"/>: nothing is registered twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (mode, connection string, YAML path, timings).</param>
    /// <returns>A builder for the selector's options and tie-breaker.</returns>
    public static IToolCatalogBuilder AddToolCatalog(this IServiceCollection services, Action<ToolCatalogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ToolCatalogOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ToolCatalogOptions>, ToolCatalogOptionsServiceValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateCatalog);
        services.TryAddSingleton<IToolCatalog>(static sp => sp.GetRequiredService<ToolCatalogRuntime>());
        services.TryAddSingleton(static sp => new ProfileLoader(sp.GetRequiredService<IToolCatalog>()));
        services.TryAddSingleton(static sp => new ToolSelector(
            sp.GetRequiredService<IOptions<SelectionOptions>>().Value,
            sp.GetService<ITieBreaker>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ITimeCalibrationSource>()));
        services.TryAddSingleton(static sp => new TimeCalibrationRefresher(
            sp.GetRequiredService<ToolCatalogRuntime>().Store,
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ITimeCalibrationSource>()));
        services.TryAddSingleton<ITimeCalibrationSource>(static sp => sp.GetRequiredService<TimeCalibrationRefresher>());
        services.TryAddSingleton(static sp => new TelemetryRecorder(
            sp.GetRequiredService<ToolCatalogRuntime>().Store,
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ITelemetryRecorder>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ITelemetryRecorder>(static sp => sp.GetRequiredService<TelemetryRecorder>());
        services.TryAddSingleton<ToolCatalogHealthCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ToolCatalogHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryHostedService>());
        services.TryAddSingleton(static sp => new TelemetryAutoApplier(
            sp.GetRequiredService<ToolCatalogRuntime>().Store,
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.AutoApply,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<TelemetryAutoApplier>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryAutoApplyHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TimeCalibrationHostedService>());
        services.TryAddSingleton(static sp => new ExperimentMonitor(
            sp.GetRequiredService<ToolCatalogRuntime>().Store,
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.ExperimentMonitor,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ExperimentMonitor>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExperimentMonitorHostedService>());
        services.TryAddSingleton<IExperiments>(static sp => new StoreExperiments(sp.GetRequiredService<ToolCatalogRuntime>().Store
            ?? throw new InvalidOperationException("IExperiments needs the catalog in PostgreSQL mode (ToolCatalogOptions.ConnectionString or a registered NpgsqlDataSource); experiments are stored in the database.")));
        DecisionLogRegistration.Add(services);
        return new ToolCatalogBuilder(services);
    }

    private static ToolCatalogRuntime CreateCatalog(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ToolCatalogOptions>>().Value;
        return new ToolCatalogRuntime(
            options,
            string.IsNullOrWhiteSpace(options.ConnectionString) ? services.GetService<NpgsqlDataSource>() : null,
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILoggerFactory>(),
            services.GetService<IMeterFactory>());
    }

    /// <summary>Validates the options at start, knowing whether the host registered a data source.</summary>
    private sealed class ToolCatalogOptionsServiceValidator(IServiceProvider services) : IValidateOptions<ToolCatalogOptions>
    {
        public ValidateOptionsResult Validate(string? name, ToolCatalogOptions options) =>
            new ToolCatalogOptionsValidator(() => services.GetService<IServiceProviderIsService>()?.IsService(typeof(NpgsqlDataSource)) ?? false)
                .Validate(name, options);
    }

    private sealed class ToolCatalogBuilder(IServiceCollection services) : IToolCatalogBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IToolCatalogBuilder ConfigureSelection(Action<SelectionOptions> configure)
        {
            ArgumentNullException.ThrowIfNull(configure);
            Services.Configure(configure);
            return this;
        }

        public IToolCatalogBuilder ConfigureTelemetry(Action<TelemetryOptions> configure)
        {
            ArgumentNullException.ThrowIfNull(configure);
            Services.Configure(configure);
            return this;
        }

        public IToolCatalogBuilder AddTieBreaker<TTieBreaker>()
            where TTieBreaker : class, ITieBreaker
        {
            Services.TryAddSingleton<ITieBreaker, TTieBreaker>();
            return this;
        }
    }
}
