// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>
/// The named clients of <see cref="JwksHttpClientRegistration"/> against a real Kestrel over TLS on 127.0.0.1: the
/// connect guard refuses loopback before any TCP connection, and fetches when the policy is switched off.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class JwksHttpClientRegistrationTests
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(15);

    private RSA _signingKey = null!;
    private X509Certificate2 _certificate = null!;
    private WebApplication _server = null!;
    private int _port;
    private int _connections;
    private int _jwksRequests;

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        _signingKey = RSA.Create(2048);
        _certificate = CreateServerCertificate();
        var jwks = TestJwks.Set(TestJwks.Rsa(_signingKey, "k1"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref _connections);
                return next(connection);
            });
            listen.UseHttps(_certificate);
        }));
        _server = builder.Build();
        _server.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref _jwksRequests);
            return Results.Text(jwks, "application/json");
        });
        _server.MapGet("/redirect", () => Results.Redirect("/jwks"));
        await _server.StartAsync();

        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _port = new Uri(address).Port;
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        _certificate.Dispose();
        _signingKey.Dispose();
    }

    [SetUp]
    public void ResetCounters()
    {
        Volatile.Write(ref _connections, 0);
        Volatile.Write(ref _jwksRequests, 0);
    }

    [TestCase("127.0.0.1")]
    [TestCase("127.1")]
    [TestCase("[::1]")]
    [TestCase("[::ffff:127.0.0.1]")]
    [TestCase("localhost")]
    public async Task FindKeyAsync_LoopbackWithDefaultPolicy_RefusedBeforeConnecting(string host)
    {
        // Arrange: the certificate is trusted, so only the address policy can stop the fetch.
        using var services = BuildServices(allowNonPublicAddresses: false, trustTestCertificate: true);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act
        var result = await resolver.FindKeyAsync(new Uri($"https://{host}:{_port}/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None)
            .WaitAsync(TestBound);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NonPublicAddress));
            Assert.That(Volatile.Read(ref _connections), Is.Zero, "no TCP connection reached the server");
            Assert.That(Volatile.Read(ref _jwksRequests), Is.Zero);
        });
    }

    [TestCase("169.254.169.254")]
    [TestCase("2852039166")]
    [TestCase("0xA9FEA9FE")]
    [TestCase("0251.0376.0251.0376")]
    [TestCase("169.254.43518")]
    [TestCase("[::ffff:169.254.169.254]")]
    [TestCase("[::ffff:a9fe:a9fe]")]
    [TestCase("0.0.0.0")]
    [TestCase("0")]
    [TestCase("[fe80::1]")]
    [TestCase("[fd00:ec2::254]")]
    [TestCase("224.0.0.1")]
    public async Task FindKeyAsync_MetadataOrLinkLocalWithSandboxNetworks_RefusedAtOnce(string host)
    {
        // Arrange: the sandbox's networks (loopback) are allowed; nothing listens on these addresses, so a connection
        // attempt would show as a time-out (JwksUnavailableException), not a refusal.
        using var services = BuildServices(allowNonPublicAddresses: true, trustTestCertificate: true);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act
        var result = await resolver.FindKeyAsync(new Uri($"https://{host}/latest/meta-data/jwks"), null, JwksSourceKind.Software, CancellationToken.None)
            .WaitAsync(TestBound);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NonPublicAddress));
        });
    }

    [Test]
    public async Task FindKeyAsync_HookReplacingConnectCallback_GuardStillApplies()
    {
        // Arrange: a host hook cannot switch the guard off.
        using var services = BuildServices(
            allowNonPublicAddresses: false,
            trustTestCertificate: true,
            extraHook: h => h.ConnectCallback = null);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act
        var result = await resolver.FindKeyAsync(new Uri($"https://127.0.0.1:{_port}/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None)
            .WaitAsync(TestBound);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(Volatile.Read(ref _connections), Is.Zero);
        });
    }

    [TestCase("127.0.0.1")]
    [TestCase("localhost")]
    public async Task FindKeyAsync_NonPublicAllowedAndCertificateTrusted_Found(string host)
    {
        // Arrange
        using var services = BuildServices(allowNonPublicAddresses: true, trustTestCertificate: true);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act
        var result = await resolver.FindKeyAsync(new Uri($"https://{host}:{_port}/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None)
            .WaitAsync(TestBound);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(result.Key!.RsaKey().ExportParameters(false).Modulus, Is.EqualTo(_signingKey.ExportParameters(false).Modulus));
            Assert.That(Volatile.Read(ref _jwksRequests), Is.EqualTo(1));
            Assert.That(Volatile.Read(ref _connections), Is.GreaterThanOrEqualTo(1), "the connection counter works");
        });
    }

    [Test]
    public void FindKeyAsync_CertificateNotTrusted_ThrowsJwksUnavailable()
    {
        // Arrange
        using var services = BuildServices(allowNonPublicAddresses: true, trustTestCertificate: false);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act / Assert
        Assert.ThrowsAsync<JwksUnavailableException>(async () =>
            await resolver.FindKeyAsync(new Uri($"https://127.0.0.1:{_port}/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None).WaitAsync(TestBound));
    }

    [Test]
    public async Task FindKeyAsync_SoftwareUrlRedirects_InvalidAndNotFollowed()
    {
        // Arrange
        using var services = BuildServices(allowNonPublicAddresses: true, trustTestCertificate: true);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act
        var software = await resolver.FindKeyAsync(new Uri($"https://127.0.0.1:{_port}/redirect"), "k1", JwksSourceKind.Software, CancellationToken.None)
            .WaitAsync(TestBound);
        var requestsAfterSoftware = Volatile.Read(ref _jwksRequests);
        var anchor = await resolver.FindKeyAsync(new Uri($"https://127.0.0.1:{_port}/redirect"), "k1", JwksSourceKind.TrustAnchor, CancellationToken.None)
            .WaitAsync(TestBound);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(software.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(requestsAfterSoftware, Is.Zero);
            Assert.That(anchor.Status, Is.EqualTo(JwksLookupStatus.Found), "trust anchor URLs (bank configuration) may redirect");
        });
    }

    [Test]
    public void FindKeyAsync_NothingListening_ThrowsJwksUnavailable()
    {
        // Arrange: a loopback port that was free a moment ago.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var freePort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var services = BuildServices(allowNonPublicAddresses: true, trustTestCertificate: true);
        var resolver = services.GetRequiredService<JwksResolver>();

        // Act / Assert
        Assert.ThrowsAsync<JwksUnavailableException>(async () =>
            await resolver.FindKeyAsync(new Uri($"https://127.0.0.1:{freePort}/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None).WaitAsync(TestBound));
    }

    private ServiceProvider BuildServices(bool allowNonPublicAddresses, bool trustTestCertificate, Action<SocketsHttpHandler>? extraHook = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.Configure<DcrOptions>(o =>
        {
            if (allowNonPublicAddresses)
            {
                o.Jwks.AllowedNetworks.Add("127.0.0.0/8");
                o.Jwks.AllowedNetworks.Add("::1");
            }
        });
        services.Configure<JwksHttpHandlerOptions>(o =>
        {
            if (trustTestCertificate)
            {
                var pinned = _certificate.GetCertHash(HashAlgorithmName.SHA256);
                o.ConfigureHandler.Add(h => h.SslOptions.RemoteCertificateValidationCallback =
                    (_, certificate, _, _) => certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned));
            }

            if (extraHook is not null)
            {
                o.ConfigureHandler.Add(extraHook);
            }
        });
        JwksHttpClientRegistration.AddJwksHttpClients(services);
        services.AddSingleton<JwksResolver>();
        return services.BuildServiceProvider();
    }

    private static X509Certificate2 CreateServerCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
