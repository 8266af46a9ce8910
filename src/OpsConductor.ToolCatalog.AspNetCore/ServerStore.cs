using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore;

/// <summary>
/// The store the server writes through: over the host's <see cref="NpgsqlDataSource"/> service when it has one (as the
/// runtime then uses), else over a data source of its own built from <see cref="ToolCatalogOptions.ConnectionString"/>
/// and disposed with the host.
/// </summary>
internal sealed class ServerStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _owned;

    public ServerStore(IServiceProvider services)
    {
        var dataSource = services.GetService<NpgsqlDataSource>();
        if (dataSource is null)
        {
            var connectionString = services.GetRequiredService<IOptions<ToolCatalogOptions>>().Value.ConnectionString;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "The management server needs the catalog's database: set ToolCatalogOptions.ConnectionString in AddToolCatalog, or register an NpgsqlDataSource service.");
            }

            dataSource = _owned = NpgsqlDataSource.Create(connectionString);
        }

        Store = new ToolCatalogStore(
            dataSource,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILoggerFactory>()?.CreateLogger<ToolCatalogStore>() ?? NullLogger<ToolCatalogStore>.Instance,
            services.GetService<OpsConductor.ToolCatalog.Secrets.ISecretProtector>());
    }

    /// <summary>The store.</summary>
    public ToolCatalogStore Store { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
