using Microsoft.Extensions.Options;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// Refuses, when the host starts, OpenID Connect settings of the admin UI (<see cref="ToolCatalogOpenIdConnectOptions"/>)
/// that cannot work, each error naming the option and saying what it needs, so that a mistake shows at start and not as
/// an exception on the first sign-in.
/// </summary>
internal sealed class OpenIdConnectSettingsValidation : IValidateOptions<ToolCatalogServerOptions>
{
    private const string Prefix = "Authentication.OpenIdConnect.";

    public ValidateOptionsResult Validate(string? name, ToolCatalogServerOptions options)
    {
        var errors = Check(options.Authentication?.OpenIdConnect);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem of <paramref name="oidc"/>; empty when it is off or can work.</summary>
    internal static List<string> Check(ToolCatalogOpenIdConnectOptions? oidc)
    {
        var errors = new List<string>();
        if (oidc is null)
        {
            errors.Add($"Authentication.OpenIdConnect must not be null (leave {Prefix}Authority unset to sign in with API keys only).");
            return errors;
        }

        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            if (oidc.Authority is not null || !string.IsNullOrWhiteSpace(oidc.ClientId) || !string.IsNullOrWhiteSpace(oidc.ClientSecret))
            {
                errors.Add($"{Prefix}Authority is required with {Prefix}ClientId or ClientSecret: the provider's issuer URL (such as https://login.example.com/realms/ops).");
            }

            return errors;
        }

        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("http" or "https"))
        {
            errors.Add($"{Prefix}Authority ('{oidc.Authority}') must be an absolute http(s) URL: the provider's issuer, such as https://login.example.com/realms/ops.");
        }
        else if (authority.Scheme != "https" && oidc.RequireHttpsMetadata)
        {
            errors.Add($"{Prefix}Authority ('{oidc.Authority}') must use https; set {Prefix}RequireHttpsMetadata to false only for a provider on loopback in development.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            errors.Add($"{Prefix}ClientId is required with {Prefix}Authority: the client id the provider registered for the admin UI.");
        }

        if (oidc.Scope is null || !oidc.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal))
        {
            errors.Add($"{Prefix}Scope ('{oidc.Scope}') must include 'openid' (scopes are separated by spaces).");
        }

        if (oidc.RoleClaim is not null && string.IsNullOrWhiteSpace(oidc.RoleClaim))
        {
            errors.Add($"{Prefix}RoleClaim must name a claim, or be left unset to read 'role' and 'roles'.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ToolClaim) || string.IsNullOrWhiteSpace(oidc.NameClaim) || string.IsNullOrWhiteSpace(oidc.TenantClaim))
        {
            errors.Add($"{Prefix}ToolClaim, {Prefix}NameClaim and {Prefix}TenantClaim must name claims.");
        }

        return errors;
    }
}
