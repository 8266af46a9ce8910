using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>
/// Remembers, per request, whom the server's own sign-in made of it (the principal after the whole pipeline ran) and the
/// audit facts a write would record (<see cref="HttpChangeContext.From"/>). Requests name themselves with the
/// <see cref="RequestIdHeader"/> header, and may give their remote address with <see cref="RemoteAddressHeader"/>. A startup filter puts it around the host's whole pipeline.
/// </summary>
internal sealed class SignInRecorder
{
    public const string RequestIdHeader = "X-Test-Request";

    /// <summary>The test server has no network connection: this header gives the request the remote address it would have had.</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    private readonly ConcurrentDictionary<string, (ClaimsPrincipal User, ChangeContext Change)> _seen = new(StringComparer.Ordinal);

    /// <summary>Adds the recorder to <paramref name="host"/>.</summary>
    public static SignInRecorder AddTo(ServerHost host)
    {
        var recorder = new SignInRecorder();
        host.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Filter(recorder)));
        return recorder;
    }

    /// <summary>The principal the request named <paramref name="id"/> was signed in as, and its audit facts.</summary>
    public (ClaimsPrincipal User, ChangeContext Change) this[string id] => _seen[id];

    private sealed class Filter(SignInRecorder recorder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[RemoteAddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                await inner(context);
                if (context.Request.Headers[RequestIdHeader].ToString() is { Length: > 0 } id)
                {
                    recorder._seen[id] = (context.User, HttpChangeContext.From(context));
                }
            });
            next(app);
        };
    }
}
