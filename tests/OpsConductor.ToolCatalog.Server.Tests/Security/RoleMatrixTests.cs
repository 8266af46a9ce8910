using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>
/// Who may call what, with real API keys: every endpoint of issue 14 × {anonymous, viewer, owner of this tool, owner of
/// another tool, admin} → 401, 403, or allowed (neither). A refused write leaves no trace.
/// </summary>
/// <remarks>
/// <para>Every case runs: <see cref="Every_endpoint_of_the_matrix_is_mapped"/> fails while an endpoint of the table is not
/// mapped, and <see cref="Every_endpoint_the_api_maps_is_in_the_matrix"/> fails if the API maps an endpoint (or a path
/// spelled differently) that the table does not list.</para>
/// </remarks>
[TestFixture]
[Category("RoleMatrix")]
public sealed partial class RoleMatrixTests
{
    private const string ThisTool = "matrix-tool";
    private const string OtherTool = "matrix-other-tool";
    private const string TraceTool = "matrix-trace-tool";

    /// <summary>The endpoints of issue 14 and the policy each needs (paths under /api/v1; {name} is <see cref="ThisTool"/>).</summary>
    internal static readonly MatrixEndpoint[] Endpoints =
    [
        new("GET", "/revision", ToolCatalogPolicies.Viewer),
        new("GET", "/tools", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/{name}", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/{name}/versions", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/{name}/versions/{version}", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/search", ToolCatalogPolicies.Viewer, Query: "?q=matrix"),
        new("GET", "/tools/platform/{platform}", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/category/{category}", ToolCatalogPolicies.Viewer),
        new("POST", "/tools/{name}/validate", ToolCatalogPolicies.Viewer, Body: Body.Tool),
        new("POST", "/tools/export", ToolCatalogPolicies.Viewer, Body: Body.Empty),
        new("GET", "/capabilities", ToolCatalogPolicies.Viewer),
        new("GET", "/capabilities/{name}/tools", ToolCatalogPolicies.Viewer),
        new("GET", "/audit", ToolCatalogPolicies.Viewer),
        new("GET", "/tools/{name}/audit", ToolCatalogPolicies.Viewer),
        new("POST", "/select", ToolCatalogPolicies.Viewer, Body: Body.Empty),
        new("POST", "/estimate", ToolCatalogPolicies.Viewer, Body: Body.Empty),
        new("POST", "/tools", ToolCatalogPolicies.Admin, Body: Body.NewTool),
        new("POST", "/tools/import", ToolCatalogPolicies.Admin, Body: Body.Empty),
        new("PUT", "/tools/{name}", ToolCatalogPolicies.ToolOwner, Body: Body.Tool),
        new("PATCH", "/tools/{name}/enable", ToolCatalogPolicies.ToolOwner),
        new("PATCH", "/tools/{name}/disable", ToolCatalogPolicies.ToolOwner),
        new("POST", "/tools/{name}/deprecate", ToolCatalogPolicies.ToolOwner, Body: Body.Empty),
        new("POST", "/tools/{name}/rollback", ToolCatalogPolicies.ToolOwner, Body: Body.Empty),
        new("DELETE", "/tools/{name}", ToolCatalogPolicies.ToolOwner),
        // Not a route policy: the endpoint allows admins, and owners of every tool the records name ({name} here).
        new("POST", "/telemetry", ToolCatalogPolicies.ToolOwner, Body: Body.Telemetry),
        new("GET", "/telemetry/recommendations", ToolCatalogPolicies.Viewer),
        // Not a route policy: the endpoint allows admins, and owners of the recommendation's tool ({id}: one for this tool).
        new("POST", "/telemetry/recommendations/{id}/apply", ToolCatalogPolicies.ToolOwner),
        new("GET", "/telemetry/report", ToolCatalogPolicies.Viewer),
        new("POST", "/replay", ToolCatalogPolicies.Viewer, Body: Body.Tool),
        // Experiments: {name} is the experiment "matrix-tool", which tests the tool of the same name.
        new("GET", "/experiments", ToolCatalogPolicies.Viewer),
        new("GET", "/experiments/{name}", ToolCatalogPolicies.Viewer),
        new("GET", "/experiments/{name}/results", ToolCatalogPolicies.Viewer),
        new("POST", "/experiments", ToolCatalogPolicies.Admin, Body: Body.Empty),
        // Not route policies: the endpoints allow admins, and owners of the experiment's tool.
        new("POST", "/experiments/{name}/start", ToolCatalogPolicies.ToolOwner),
        new("POST", "/experiments/{name}/stop", ToolCatalogPolicies.ToolOwner),
        new("POST", "/experiments/{name}/promote", ToolCatalogPolicies.ToolOwner, Body: Body.Empty),
        // Following the catalog (issue 20). The feed is asked for a bad 'since' so an allowed role gets a 400 at once
        // instead of an endless stream: sign-in and the policy are checked before the endpoint reads its query.
        new("GET", "/catalog", ToolCatalogPolicies.Viewer),
        new("GET", "/changes", ToolCatalogPolicies.Viewer, Query: "?since=matrix"),
        // Tenants (issue 19): a global admin's (a tenant's principals are refused as well: Tenancy/TenantManagementEndpointTests).
        // {id} is a number, a valid tenant id that no tenant has (404 for an admin).
        new("GET", "/tenants", ToolCatalogPolicies.Admin),
        new("GET", "/tenants/{id}", ToolCatalogPolicies.Admin),
        new("POST", "/tenants", ToolCatalogPolicies.Admin, Body: Body.Empty),
        new("PATCH", "/tenants/{id}/disable", ToolCatalogPolicies.Admin),
        new("PATCH", "/tenants/{id}/enable", ToolCatalogPolicies.Admin),
        new("GET", "/tenant", ToolCatalogPolicies.Viewer),
    ];

    /// <summary>A stored telemetry recommendation for <see cref="ThisTool"/> (the {id} of the apply endpoint).</summary>
    private static long _recommendation;

    private static readonly string[] Principals = ["anonymous", "viewer", "owner of this tool", "owner of another tool", "admin"];

    private ServerHost _host = null!;
    private SignInRecorder _recorder = null!;
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private HashSet<string> _mapped = null!;

    public enum Body
    {
        None,
        Empty,
        Tool,
        NewTool,
        Telemetry,
    }

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync(h => _recorder = SignInRecorder.AddTo(h.UseRealSignIn()));
        foreach (var name in new[] { ThisTool, OtherTool, TraceTool })
        {
            var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: name) with { Name = name });
            await _host.Catalog.WaitForRevisionAsync(written.Revision);
        }

        // The experiment of the experiments' rows: a draft named like the tool it tests (version 1.0 stays the latest).
        await _host.Store.PublishAsync(GeneratedTools.Create(1, prefix: ThisTool, version: "1.5") with { Name = ThisTool });
        var back = await _host.Store.RollbackAsync(ThisTool, "1.0");
        await _host.Catalog.WaitForRevisionAsync(back.Revision);
        await _host.Store.CreateExperimentAsync(new OpsConductor.ToolCatalog.Experiments.ExperimentDefinition { Name = ThisTool, Tool = ThisTool, VersionA = "1.0", VersionB = "1.5" });

        await using (var insert = _host.Database.DataSource.CreateCommand("""
            INSERT INTO tool_catalog.telemetry_recommendations (tool_id, tool_name, version, capability_name, pattern_name, field,
                current_text, recommended_text, samples, current_error, recommended_error, evidence, created_at)
            SELECT id, tool_name, version, 'capability_0', 'pattern_0', 'time_estimate_ms', '100 + 0.5 * N', '90 + 0.6 * N', 100, 20, 5, '{}', now()
            FROM tool_catalog.tools WHERE tool_name = 'matrix-tool' RETURNING id
            """))
        {
            _recommendation = (long)(await insert.ExecuteScalarAsync())!;
        }

        var keys = _host.Services.GetRequiredService<ApiKeyStore>();
        _keys["viewer"] = (await keys.CreateAsync("matrix-viewer", ToolCatalogRoles.Viewer, null, "test")).Key;
        _keys["owner of this tool"] = (await keys.CreateAsync("matrix-owner", ToolCatalogRoles.Owner, [ThisTool, TraceTool], "test")).Key;
        _keys["owner of another tool"] = (await keys.CreateAsync("matrix-other-owner", ToolCatalogRoles.Owner, [OtherTool], "test")).Key;
        _keys["admin"] = (await keys.CreateAsync("matrix-admin", ToolCatalogRoles.Admin, null, "test")).Key;
        _mapped = MappedEndpoints(_host);
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    private static IEnumerable<TestCaseData> Cases() =>
        from endpoint in Endpoints
        from principal in Principals
        select new TestCaseData(endpoint, principal).SetName($"{endpoint.Method} {endpoint.Template} as {principal} is {Expected(endpoint.Policy, principal)}");

    [TestCaseSource(nameof(Cases))]
    public async Task Matrix(MatrixEndpoint endpoint, string principal)
    {
        IgnoreUnlessMapped(endpoint);
        using var client = Client(principal);

        using var response = await client.SendAsync(Request(endpoint, ThisTool));

        var status = response.StatusCode;
        switch (Expected(endpoint.Policy, principal))
        {
            case "401":
                Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
                break;
            case "403":
                Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
                break;
            default:
                Assert.That(status, Is.Not.EqualTo(HttpStatusCode.Unauthorized).And.Not.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
                break;
        }
    }

    private static IEnumerable<TestCaseData> RefusedWrites() =>
    [
        new TestCaseData("POST", "/tools", "viewer").SetName("A refused POST /tools by a viewer leaves no trace"),
        new TestCaseData("POST", "/tools", "owner of this tool").SetName("A refused POST /tools by an owner leaves no trace"),
        new TestCaseData("PUT", "/tools/{name}", "viewer").SetName("A refused PUT /tools/{name} by a viewer leaves no trace"),
        new TestCaseData("PUT", "/tools/{name}", "owner of another tool").SetName("A refused PUT /tools/{name} by the owner of another tool leaves no trace"),
        new TestCaseData("PUT", "/tools/{name}", "anonymous").SetName("A refused PUT /tools/{name} by nobody leaves no trace"),
    ];

    [TestCaseSource(nameof(RefusedWrites))]
    public async Task Refused_write(string method, string template, string principal)
    {
        var endpoint = Endpoints.Single(e => e.Method == method && e.Template == template);
        IgnoreUnlessMapped(endpoint);
        var revision = await RevisionAsync();
        var audit = await AuditReader.CountAsync(_host.Database);
        var before = ToolJson.ToJson((await _host.Store.GetAsync(TraceTool))!.Definition);
        var newToolBefore = (await _host.Store.GetAsync(NewToolName))?.ToString();
        using var client = Client(principal);

        using var response = await client.SendAsync(Request(endpoint, TraceTool));

        Assert.That(response.StatusCode, Is.EqualTo(principal == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden));
        Assert.Multiple(async () =>
        {
            Assert.That(await RevisionAsync(), Is.EqualTo(revision), "catalog revision");
            Assert.That(await AuditReader.CountAsync(_host.Database), Is.EqualTo(audit), "audit rows");
            Assert.That(ToolJson.ToJson((await _host.Store.GetAsync(TraceTool))!.Definition), Is.EqualTo(before), "the tool");
            Assert.That((await _host.Store.GetAsync(NewToolName))?.ToString(), Is.EqualTo(newToolBefore), "no new tool (nor a new version of it: an admin's case of the matrix may have created it)");
        });
    }

    [TestCase(ToolCatalogPolicies.Viewer)]
    [TestCase(ToolCatalogPolicies.ToolOwner)]
    [TestCase(ToolCatalogPolicies.Admin)]
    public async Task The_policies_decide_as_the_matrix_says_for_principals_signed_in_with_real_keys(string policy)
    {
        // The matrix's verdicts checked on the policies themselves, so that they hold before the endpoints are merged.
        var authorization = _host.Services.GetRequiredService<IAuthorizationService>();
        foreach (var principal in Principals.Where(p => p != "anonymous"))
        {
            using var client = Client(principal);
            client.DefaultRequestHeaders.Add(SignInRecorder.RequestIdHeader, "policy-" + principal);
            using var response = await client.GetAsync("/api/v1/revision");
            var user = _recorder["policy-" + principal].User;
            var resource = new DefaultHttpContext { User = user };
            resource.Request.RouteValues["name"] = ThisTool;

            var result = await authorization.AuthorizeAsync(user, resource, policy);

            Assert.That(result.Succeeded, Is.EqualTo(Expected(policy, principal) == "allowed"), $"{policy} for {principal}");
        }
    }

    [Test]
    public void Every_endpoint_the_api_maps_is_in_the_matrix()
    {
        var listed = Endpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        Assert.That(_mapped.Where(key => !listed.Contains(key)), Is.Empty, "add these endpoints (with their policy) to RoleMatrixTests.Endpoints");
        Assert.That(_mapped, Does.Contain("GET /revision"), "the endpoints are found at all");
    }

    [Test]
    public void Every_endpoint_of_the_matrix_is_mapped()
    {
        Assert.That(Endpoints.Select(e => e.Key).Where(key => !_mapped.Contains(key)), Is.Empty);
    }

    internal static string Expected(string policy, string principal) => (policy, principal) switch
    {
        (_, "anonymous") => "401",
        (ToolCatalogPolicies.Viewer, _) => "allowed",
        (_, "admin") => "allowed",
        (ToolCatalogPolicies.ToolOwner, "owner of this tool") => "allowed",
        _ => "403",
    };

    private const string NewToolName = "matrix-new-tool";

    private HttpClient Client(string principal) => principal == "anonymous" ? _host.Anonymous() : _host.ClientWithKey(_keys[principal]);

    private void IgnoreUnlessMapped(MatrixEndpoint endpoint)
    {
        if (!_mapped.Contains(endpoint.Key))
        {
            Assert.Fail($"{endpoint.Key} is in the matrix but the API does not map it (a path spelled differently?).");
        }
    }

    private static HttpRequestMessage Request(MatrixEndpoint endpoint, string tool)
    {
        var path = "/api/v1" + endpoint.Template
            .Replace("{name}", tool, StringComparison.Ordinal)
            .Replace("{version}", "1.0", StringComparison.Ordinal)
            .Replace("{platform}", "linux", StringComparison.Ordinal)
            .Replace("{category}", "system", StringComparison.Ordinal)
            .Replace("{id}", _recommendation.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + endpoint.Query;
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        request.Content = endpoint.Body switch
        {
            Body.Empty => new StringContent("{}", Encoding.UTF8, "application/json"),
            Body.Tool => new StringContent(ToolJson.ToJson(GeneratedTools.Create(2, prefix: tool, version: "2.0") with { Name = tool }), Encoding.UTF8, "application/json"),
            Body.NewTool => new StringContent(ToolJson.ToJson(GeneratedTools.Create(3, prefix: NewToolName) with { Name = NewToolName }), Encoding.UTF8, "application/json"),
            Body.Telemetry => new StringContent(
                $"[{{\"tool\": \"{tool}\", \"capability\": \"capability_0\", \"pattern\": \"pattern_0\", \"actual_time_ms\": 5, \"success\": true, \"environment\": \"matrix\"}}]",
                Encoding.UTF8,
                "application/json"),
            _ => null,
        };
        return request;
    }

    private async Task<long> RevisionAsync()
    {
        await using var command = _host.Database.DataSource.CreateCommand("SELECT revision FROM tool_catalog.catalog_revision");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>"METHOD /template" of every endpoint the host maps under /api/v1 (route constraints left out).</summary>
    private static HashSet<string> MappedEndpoints(ServerHost host)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (!template.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            template = Constraint().Replace(template["/api/v1".Length..], "{$1}");
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                keys.Add($"{method} {template}");
            }
        }

        return keys;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex Constraint();

    /// <summary>One row of the table.</summary>
    public sealed record MatrixEndpoint(string Method, string Template, string Policy, string Query = "", Body Body = Body.None)
    {
        public string Key => $"{Method} {Template}";

        public override string ToString() => Key;
    }
}
