using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Hosting;

/// <summary>/metrics: Prometheus text with ASP.NET Core's request metrics and the catalog's own meter.</summary>
[TestFixture]
public sealed class MetricsEndpointTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task Metrics_hold_the_request_duration_of_an_API_call_and_the_catalogs_own_instruments()
    {
        using var recorded = RequestDurationOf(_host);
        using var client = _host.ClientAs("viewer");
        using (var call = await client.GetAsync("/api/v1/revision"))
        {
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // The request's duration is recorded as the server finishes the exchange, which may be after the client has the
        // answer: wait for that recording (this host's meter only) before scraping.
        await recorded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var scraper = _host.Anonymous();
        using var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(text, Does.Contain("http_server_request_duration"));
        Assert.That(text, Does.Contain("http_route=\"/api/v1/revision\""));
        Assert.That(text, Does.Contain("toolcatalog_tools"));
        Assert.That(text, Does.Contain("toolcatalog_reloads"));
    }

    /// <summary>Completes when this host's ASP.NET Core meter records the duration of a request to /api/v1/revision.</summary>
    private static Recorded RequestDurationOf(ServerHost host)
    {
        var scope = host.Services.GetRequiredService<IMeterFactory>();
        var recorded = new Recorded();
        recorded.Listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "http.server.request.duration" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        recorded.Listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "http.route" && Equals(tag.Value, "/api/v1/revision"))
                {
                    recorded.Completion.TrySetResult();
                }
            }
        });
        recorded.Listener.Start();
        return recorded;
    }

    private sealed class Recorded : IDisposable
    {
        public MeterListener Listener { get; } = new();

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => Completion.Task;

        public void Dispose() => Listener.Dispose();
    }
}
