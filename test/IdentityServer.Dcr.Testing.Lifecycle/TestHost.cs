// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Testing.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// The one in-process host of the suites: an ASP.NET Core application on a real Kestrel server on 127.0.0.1, over
/// HTTPS (mutual TLS unless told otherwise), logging nothing (set <c>DCR_TEST_LOG=1</c> for the console). The banks of
/// every plug-in, the reverse proxy and the demo hosts are built here, their differences given as <see cref="TestHostOptions"/>.
/// When the application refuses to start, the exception is thrown and nothing is left running.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private const int Attempts = 3;

    private readonly WebApplication _app;

    private TestHost(WebApplication app, TestHostAddress address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the host listens.</summary>
    public TestHostAddress Address { get; }

    /// <summary>The base address (HTTPS unless <see cref="TestHostOptions.PlainHttpOnly"/>), with a trailing slash.</summary>
    public Uri BaseAddress => Address.BaseAddress;

    /// <summary>The registration endpoint where the suites map it (<c>/register</c>).</summary>
    public Uri RegistrationEndpoint => new(BaseAddress, "register");

    /// <summary>The token endpoint where the suites' authorization servers have it (<c>/connect/token</c>).</summary>
    public Uri TokenEndpoint => new(BaseAddress, "connect/token");

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts a host.</summary>
    /// <param name="options">What this host does differently.</param>
    /// <returns>The started host.</returns>
    public static async Task<TestHost> StartAsync(TestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // A port chosen before Kestrel binds it may be taken in between by another process: then choose again.
        for (var attempt = 1; ; attempt++)
        {
            var address = new TestHostAddress(
                new Uri($"{(options.PlainHttpOnly ? "http" : "https")}://127.0.0.1:{(options.Port == 0 ? LoopbackPort.Free() : options.Port)}/"),
                options.PlainHttpListener ? new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/") : null);
            var app = Build(options, address);
            try
            {
                if (options.ConfigureApp is not null)
                {
                    await options.ConfigureApp(app);
                }

                await app.StartAsync();
                return new TestHost(app, address);
            }
            catch (Exception exception)
            {
                await app.DisposeAsync();
                if (options.Port == 0 && attempt < Attempts && exception is IOException && exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                throw;
            }
        }
    }

    /// <summary>An HTTP client presenting <paramref name="clientCertificate"/> (or none) and trusting the servers <paramref name="trustServer"/> trusts.</summary>
    /// <param name="trustServer">Whether a server certificate is trusted (the test CA's).</param>
    /// <param name="clientCertificate">The TLS client certificate, if any.</param>
    /// <returns>The client.</returns>
    public static HttpClient CreateClient(Func<X509Certificate2?, bool> trustServer, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => trustServer(certificate as X509Certificate2),
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static WebApplication Build(TestHostOptions options, TestHostAddress address)
    {
        var builder = options.Application is null ? WebApplication.CreateSlimBuilder() : WebApplication.CreateBuilder(options.Application);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("DCR_TEST_LOG") == "1")
        {
            builder.Logging.AddConsole();
        }

        if (options.PlainHttpOnly)
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, address.BaseAddress.Port));
        }
        else if (options.ServerCertificate is { } certificate)
        {
            var configureHttps = options.ConfigureHttps ?? ((https, services) => https.UseDcrTransportCertificates(services));
            builder.WebHost.UseKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, address.BaseAddress.Port, listen => listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    configureHttps(https, listen.ApplicationServices);
                }));
                if (address.PlainHttp is { } http)
                {
                    kestrel.Listen(IPAddress.Loopback, http.Port);
                }
            });
        }
        else
        {
            builder.WebHost.UseUrls([.. new[] { address.BaseAddress, address.PlainHttp }.OfType<Uri>().Select(uri => uri.AbsoluteUri.TrimEnd('/'))]);
        }

        options.Configure?.Invoke(builder, address);
        return builder.Build();
    }
}
