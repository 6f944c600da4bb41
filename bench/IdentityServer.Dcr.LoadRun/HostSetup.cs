// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>Which demo bank a run drives.</summary>
public enum DemoHost
{
    /// <summary><c>host/IdentityServer.Dcr.Host</c>: the engine on OpenIddict.</summary>
    OpenIddict,

    /// <summary><c>host/IdentityServer.Dcr.Host.Duende</c>: the engine in Duende IdentityServer (where its packages restore).</summary>
    Duende,
}

/// <summary>
/// Building and configuring the demo hosts for the tools of <c>bench/</c>: a Release build, and the environment that runs
/// a host in the Production environment on PostgreSQL with the run's own PKI, directory and TPP JWKS server.
/// </summary>
public static class HostSetup
{
    /// <summary>The environment of a host: configuration overrides only, nothing the host does not read from its configuration.</summary>
    public static Dictionary<string, string> Environment(
        DemoHost host, Uri baseAddress, string connectionString, (string Root, string Certificate, string Key) pem, Workload workload, string runDirectory)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["SSL_CERT_FILE"] = CaBundle(pem.Root, runDirectory),
            ["Kestrel__Certificates__Default__Path"] = pem.Certificate,
            ["Kestrel__Certificates__Default__KeyPath"] = pem.Key,
            ["Dcr__Issuer"] = baseAddress.AbsoluteUri.TrimEnd('/'),
            ["Dcr__SoftwareStatement__TrustAnchors__0__Issuer"] = workload.Directory.Issuer,
            ["Dcr__SoftwareStatement__TrustAnchors__0__Jwks"] = workload.Directory.Jwks,
            ["Dcr__SoftwareStatement__TrustAnchors__0__JwksUri"] = string.Empty,
            ["Dcr__SoftwareStatement__AllowedSoftwareModes__0"] = "Live",
            ["Dcr__RequestObject__AcceptedAudiences__0"] = Workload.Audience,
            ["Dcr__RequestObject__AcceptedAudiences__1"] = baseAddress.AbsoluteUri.TrimEnd('/'),
            ["Dcr__Transport__TrustedRootFiles__0"] = pem.Root,
            ["Dcr__Transport__RevocationMode"] = "NoCheck", // The run's CA publishes no CRL.
            ["Dcr__Jwks__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Dcr__Jwks__AllowedNetworks__1"] = "::1/128",
        };
        if (host == DemoHost.OpenIddict)
        {
            environment["Store__Provider"] = "PostgreSql";
            environment["ConnectionStrings__Dcr"] = connectionString;
            environment["Server__SigningCertificate__Path"] = TokenCertificate(runDirectory, "signing", X509KeyUsageFlags.DigitalSignature);
            environment["Server__EncryptionCertificate__Path"] = TokenCertificate(runDirectory, "encryption", X509KeyUsageFlags.KeyEncipherment);
        }
        else
        {
            environment["ConnectionStrings__IdentityServer"] = connectionString;

            // Without a license (trial mode) Duende logs, on the first request of each client, an error listing every
            // client seen so far: formatting thousands of client ids per new client, 12 to 14 % of the host's CPU in a
            // token phase of 6,000 clients, and the console writer's 7 % (perf, docs/benchmarks.md). A licensed server
            // does not; neither run pays it.
            environment["Logging__LogLevel__Duende.IdentityServer.License"] = "None";
        }

        return environment;
    }

    /// <summary>Builds a demo host in Release and returns its DLL; <paramref name="restoreSources"/> adds package sources (a feed serving Duende's packages).</summary>
    public static string Build(string repository, DemoHost host, IReadOnlyList<string> restoreSources, Action<string> log)
    {
        var name = host == DemoHost.OpenIddict ? "IdentityServer.Dcr.Host" : "IdentityServer.Dcr.Host.Duende";
        var project = Path.Combine(repository, "host", name, name + ".csproj");
        log($"Building {name} in Release...");
        List<string> arguments = ["build", project, "-c", "Release", "--nologo", "-v", "q"];
        if (restoreSources.Count > 0)
        {
            arguments.Add("-p:RestoreAdditionalProjectSources=" + string.Join("%3B", restoreSources));
        }

        Exec("dotnet", [.. arguments], repository);
        var dll = Path.Combine(repository, "host", name, "bin", "Release", "net10.0", name + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"The build did not produce {dll}.");
    }

    /// <summary>Runs a command to its end (at most ten minutes); throws with its output when it fails.</summary>
    public static void Exec(string file, string[] arguments, string directory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} took more than 10 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }
    }

    /// <summary>Creates a database and returns its connection string with the pool settings docs/benchmarks.md recommends ("Performance").</summary>
    public static async Task<string> CreateDatabaseAsync(string admin, string name, CancellationToken ct)
    {
        // Unpooled: the fault run restarts the server, which leaves pooled connections broken.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(ct);

        // Keep prepared statements across pooled connections (no DISCARD ALL on return) and prepare the hot statements automatically.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, IncludeErrorDetail = false, NoResetOnClose = true, MaxAutoPrepare = 20 }.ConnectionString;
    }

    public static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdentityServer.Dcr.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the tool from the repository (IdentityServer.Dcr.sln not found above " + AppContext.BaseDirectory + ").");
    }

    /// <summary>The system's CA bundle plus the run's CA: the host fetches the TPPs' JWKS from the loopback server (.NET on Linux reads SSL_CERT_FILE).</summary>
    private static string CaBundle(string root, string runDirectory)
    {
        var bundle = Path.Combine(runDirectory, "ca-bundle.pem");
        if (!File.Exists(bundle))
        {
            var system = File.Exists("/etc/ssl/certs/ca-certificates.crt") ? File.ReadAllText("/etc/ssl/certs/ca-certificates.crt") : string.Empty;
            File.WriteAllText(bundle, system + "\n" + File.ReadAllText(root));
        }

        return bundle;
    }

    /// <summary>A self-signed RSA certificate for the host's token signing or encryption (outside Development it needs files).</summary>
    private static string TokenCertificate(string runDirectory, string name, X509KeyUsageFlags usage)
    {
        var path = Path.Combine(runDirectory, $"token-{name}.pfx");
        if (!File.Exists(path))
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN=IdentityServer.Dcr load run token {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        }

        return path;
    }
}
