namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// TLS for a private server: the server's certificate and private key as PEM files. At every start both are copied
/// into the data folder (<c>server.crt</c>, and <c>server.key</c> with mode 0600), owned by the account the server runs
/// as, and the server is started with <c>ssl = on</c>. Clients then verify the server with
/// <c>SslMode=VerifyFull;Root Certificate=/path/ca.pem</c> (see docs/operations.md).
/// </summary>
/// <param name="CertificateFile">The server certificate (PEM); may hold the intermediate certificates after it. Its
/// subject alternative names must match the host clients connect to (the private server listens on 127.0.0.1).</param>
/// <param name="KeyFile">The certificate's private key (PEM, unencrypted).</param>
public sealed record LocalPostgresTls(string CertificateFile, string KeyFile);
