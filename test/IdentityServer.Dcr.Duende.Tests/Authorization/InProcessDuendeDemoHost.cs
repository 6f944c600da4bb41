// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Host.Duende;
using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The Duende demo host (host/IdentityServer.Dcr.Host.Duende), built the way its Program.cs builds it, in the
/// Development environment with its own appsettings, on the lifecycle environment's PostgreSQL database, over TLS on
/// 127.0.0.1 and a free port (also its issuer). Besides its sandbox directory it trusts the lifecycle environment's
/// directory and transport CA, whose TPPs register here; its content root (App_Data) is a temporary directory.
/// </summary>
internal sealed class InProcessDuendeDemoHost : IJourneyBank
{
    private readonly DemoHost _host;

    private InProcessDuendeDemoHost(DemoHost host) => _host = host;

    public string Url => _host.Url;

    public IServiceProvider Services => _host.Services;

    public X509Certificate2 ServerCertificate => _host.Services.GetRequiredService<SandboxPki>().ServerCertificate;

    /// <summary>
    /// Starts the host; <paramref name="overrides"/> override its configuration, <paramref name="environmentName"/>
    /// replaces Development. When the host refuses to start, the exception is thrown and nothing is left running.
    /// </summary>
    public static async Task<InProcessDuendeDemoHost> StartAsync(TestEnvironment environment, IReadOnlyDictionary<string, string?>? overrides = null, string? environmentName = null)
        => new(await DemoHost.StartAsync(new DemoHostOptions
        {
            HostAssembly = typeof(HostingExtensions).Assembly,
            SettingsFolder = "DuendeDemoHost",
            EnvironmentName = environmentName,
            Overrides = overrides,
            Settings = (address, _) => new Dictionary<string, string?>
            {
                ["ConnectionStrings:IdentityServer"] = environment.HostConnectionString,
                ["Dcr:Issuer"] = address.BaseAddress.AbsoluteUri.TrimEnd('/'),
            },
            ConfigureServices = builder =>
            {
                builder.ConfigureServices();

                // The test environment's directory (in place of the configured one of the same name), transport CA (no CRL
                // published) and JWKS server.
                builder.Services.PostConfigure<DcrOptions>(options =>
                {
                    foreach (var anchor in options.SoftwareStatement.TrustAnchors.Where(a => a.Issuer == environment.Directory.Issuer).ToList())
                    {
                        options.SoftwareStatement.TrustAnchors.Remove(anchor);
                    }

                    options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = environment.Directory.Issuer, JwksUri = environment.DirectoryJwksUri });
                    options.Transport.TrustedRoots.Add(environment.Pki.RootCertificate);
                    options.Transport.RevocationMode = X509RevocationMode.NoCheck;
                });
                environment.TrustTestCa(builder.Services);
            },
            ConfigureApp = async app =>
            {
                await app.InitialiseAsync();
                app.ConfigurePipeline();
            },
        }));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
