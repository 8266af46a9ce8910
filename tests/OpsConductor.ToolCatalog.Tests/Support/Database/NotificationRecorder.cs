using System.Threading.Channels;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>LISTENs on the catalog channel over a dedicated (unpooled) connection and queues what arrives, so a test
/// can await the next notice as a signal.</summary>
internal sealed class NotificationRecorder : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly NpgsqlConnection _connection;
    private readonly Channel<string> _payloads = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private NotificationRecorder(NpgsqlConnection connection)
    {
        _connection = connection;
        _connection.Notification += (_, e) => _payloads.Writer.TryWrite(e.Payload);
        _pump = Task.Run(PumpAsync);
    }

    public static async Task<NotificationRecorder> StartAsync(TestDatabase db)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var listen = new NpgsqlCommand($"LISTEN {CatalogNotification.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        return new NotificationRecorder(connection);
    }

    /// <summary>The next notice (fails the test if none arrives in 15 s).</summary>
    public async Task<CatalogNotification> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var payload = await _payloads.Reader.ReadAsync(timeout.Token);
        Assert.That(CatalogNotification.TryParse(payload, out var notification), Is.True, $"unreadable payload {payload}");
        return notification!;
    }

    /// <summary>Notices already received and not yet read.</summary>
    public int Pending => _payloads.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await _connection.WaitAsync(_stop.Token);
        }
    }
}
