using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>TLS to PostgreSQL: a private server started with <see cref="LocalPostgresOptions.Tls"/> and a certificate
/// from a test CA made here; clients verify it with <c>SslMode=VerifyFull</c> (issue 21).</summary>
[Parallelizable(ParallelScope.All)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TlsTests
{
    private static string _folder = null!;
    private static TestServer? _testServer;
    private static LocalPostgresServer _server = null!;
    private static string _caFile = null!;
    private static string _otherCaFile = null!;

    [OneTimeSetUp]
    public static async Task StartAServerWithACertificateFromATestCa()
    {
        // Under the scratch folder (not /root, mode 0700), so that the service account can enter it when we run as root.
        _folder = Path.Combine(TestScratch.Root, "tc-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        using var ca = CreateCa("OpsConductor test CA");
        using var otherCa = CreateCa("Some other CA");
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var serverCertificate = CreateServerCertificate(ca, serverKey);

        _caFile = await WriteAsync("ca.pem", ca.ExportCertificatePem());
        _otherCaFile = await WriteAsync("other-ca.pem", otherCa.ExportCertificatePem());
        var certificateFile = await WriteAsync("server.crt", serverCertificate.ExportCertificatePem());
        var keyFile = await WriteAsync("server.key", serverKey.ExportPkcs8PrivateKeyPem());

        // A copy of the run's initialised instance (TLS is set at every start, not by initdb).
        _testServer = await TestServer.StartPrivateLocalAsync(new LocalPostgresTls(certificateFile, keyFile));
        _server = _testServer.Local!;
    }

    [OneTimeTearDown]
    public static async Task StopTheServer()
    {
        if (_testServer is not null)
        {
            await _testServer.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_VerifyFull_connection_trusting_the_test_CA_is_encrypted_and_the_store_works_over_it()
    {
        var connectionString = $"{_server.ConnectionString};SslMode=VerifyFull;Root Certificate={_caFile}";
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await using (var command = dataSource.CreateCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
        {
            Assert.That(await command.ExecuteScalarAsync(), Is.True, "the session's row in pg_stat_ssl says it is encrypted");
        }

        var store = new ToolCatalogStore(dataSource);
        await store.MigrateAsync();
        var tool = GeneratedTools.Create(1, prefix: "tls-tool");
        var report = await store.ImportAsync([tool]);

        Assert.That(report.HasProblems, Is.False);
        Assert.That((await store.GetAsync(tool.Name))?.Definition.Name, Is.EqualTo(tool.Name));
    }

    [Test]
    public async Task The_server_key_copied_into_the_data_folder_is_readable_by_its_owner_only()
    {
        var key = Path.Combine(_server.DataDirectory, "server.key");

        Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        await using var connection = new NpgsqlConnection($"{_server.ConnectionString};Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW ssl_key_file", connection);
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(key));
    }

    [Test]
    public void A_VerifyFull_connection_trusting_a_different_CA_is_refused_because_the_certificate_is_not_trusted()
    {
        var connectionString = $"{_server.ConnectionString};SslMode=VerifyFull;Root Certificate={_otherCaFile};Pooling=false";

        var error = Assert.ThrowsAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        });

        Assert.That(error!.InnerException, Is.InstanceOf<System.Security.Authentication.AuthenticationException>(), error.ToString());
        Assert.That(error.InnerException!.Message, Does.Contain("remote certificate").IgnoreCase, error.ToString());
    }

    [Test]
    public async Task SslMode_Require_against_a_server_without_TLS_fails_clearly()
    {
        await using var plain = await TestServer.StartPrivateAsync();
        var connectionString = $"{plain.AdminConnectionString};SslMode=Require;Pooling=false";

        var error = Assert.ThrowsAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        });

        Assert.That(error!.Message, Does.Contain("SSL").IgnoreCase, error.ToString());
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 CreateServerCertificate(X509Certificate2 ca, ECDsa serverKey)
    {
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(16));
    }

    private static async Task<string> WriteAsync(string name, string pem)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, pem);
        return path;
    }
}
