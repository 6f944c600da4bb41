// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>
/// The OpenIddict bank behind a real TLS-terminating reverse proxy (YARP) on loopback: the proxy takes the TPP's mutual
/// TLS and forwards its certificate in <see cref="Header"/> (base64 DER), and the bank trusts that header from the
/// proxy's address only. TPPs see the proxy's address as the issuer.
/// </summary>
public sealed class ReverseProxyLifecycleHost : ILifecycleHost
{
    /// <summary>The header the proxy forwards the client certificate in.</summary>
    public const string Header = "X-Client-Cert";

    private readonly TestHost _proxy;
    private readonly OpenIddictLifecycleHost _bank;

    private ReverseProxyLifecycleHost(TestHost proxy, OpenIddictLifecycleHost bank)
    {
        _proxy = proxy;
        _bank = bank;
    }

    public Uri RegistrationEndpoint => _bank.RegistrationEndpoint;

    public Uri TokenEndpoint => _bank.TokenEndpoint;

    public static async Task<ReverseProxyLifecycleHost> StartAsync(TestEnvironment environment, Action<DcrOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var port = LoopbackPort.Free();
        var publicAddress = new Uri($"https://127.0.0.1:{port}/");

        var bank = await OpenIddictLifecycleHost.StartAsync(environment, options =>
        {
            options.Transport.ForwardedCertificateHeader = Header;
            options.Transport.TrustedProxies.Add("127.0.0.1");
            configure?.Invoke(options);
        }, publicAddress);

        try
        {
            var proxy = await TestHost.StartAsync(new TestHostOptions
            {
                ServerCertificate = environment.Pki.IssueServerCertificate(),
                Port = port,

                // The proxy asks for a client certificate and passes any on: the bank decides.
                ConfigureHttps = (https, _) =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                },
                Configure = (builder, _) => builder.Services.AddReverseProxy()
                    .LoadFromMemory(
                        [new RouteConfig { RouteId = "bank", ClusterId = "bank", Match = new RouteMatch { Path = "{**all}" } }],
                        [new ClusterConfig { ClusterId = "bank", Destinations = new Dictionary<string, DestinationConfig> { ["bank"] = new() { Address = bank.BackendAddress.AbsoluteUri } } }])
                    .ConfigureHttpClient((_, handler) => handler.SslOptions.RemoteCertificateValidationCallback =
                        (_, certificate, _, _) => environment.Pki.IsIssuedHere(certificate as X509Certificate2))
                    .AddTransforms(transforms =>
                    {
                        // Whatever the client sent in the header is dropped; the proxy's own view of the TLS client certificate is sent.
                        transforms.AddRequestHeaderRemove(Header);
                        transforms.AddClientCertHeader(Header);
                    }),
                ConfigureApp = app =>
                {
                    app.MapReverseProxy();
                    return Task.CompletedTask;
                },
            });
            return new ReverseProxyLifecycleHost(proxy, bank);
        }
        catch
        {
            await bank.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _bank.DisposeAsync();
    }
}
