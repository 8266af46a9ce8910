using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.Server.Tests.Support;

/// <summary>
/// A sign-in for tests of what endpoints do (not of sign-in itself): the principal is whatever the request's
/// <c>X-Test-User</c>, <c>X-Test-Role</c> and <c>X-Test-Tools</c> headers say; no role header, no principal (401).
/// The sign-in tests use real API keys and tokens instead (<see cref="ServerHost.UseRealSignIn"/>).
/// </summary>
internal sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string RoleHeader = "X-Test-Role";
    public const string ToolsHeader = "X-Test-Tools";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var role = Request.Headers[RoleHeader].ToString();
        if (role.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var user = Request.Headers[UserHeader].ToString() is { Length: > 0 } name ? name : "test-user";
        var claims = new List<Claim> { new(ClaimTypes.Name, user), new(ClaimTypes.Role, role) };
        claims.AddRange(Request.Headers[ToolsHeader].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static tool => new Claim(ToolCatalogClaims.Tool, tool)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
