// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.IntegrationTests.Hosting;

/// <summary>What <c>UseDcrTransportCertificates</c> gives Kestrel: the mode, any certificate accepted, the bank's roots for the TLS layer's chain.</summary>
public sealed class DcrHttpsConnectionAdapterOptionsExtensionsTests
{
    [Test]
    public void UseDcrTransportCertificates_BuildsChainsAgainstTheBanksRootsOnly()
    {
        // Arrange
        using var root = new TestPki("Bank Transport Root");
        using var intermediate = new TestPki("Bank Transport Issuing CA");
        using var intermediateCertificate = root.IssueClientCertificate(new X500DistinguishedName("CN=Bank Transport Issuing CA"));
        using var services = Services(o =>
        {
            o.Transport.TrustedRoots.Add(root.RootCertificate);
            o.Transport.TrustedRoots.Add(intermediateCertificate);
        });
        var https = new HttpsConnectionAdapterOptions();

        // Act
        https.UseDcrTransportCertificates(services);
        var first = Authenticate(https);
        var second = Authenticate(https);

        // Assert
        var policy = first.CertificateChainPolicy!;
        Assert.Multiple(() =>
        {
            Assert.That(https.ClientCertificateMode, Is.EqualTo(ClientCertificateMode.AllowCertificate));
            Assert.That(https.ClientCertificateValidation?.Invoke(intermediateCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True, "any certificate passes the TLS layer");
            Assert.That(policy.TrustMode, Is.EqualTo(X509ChainTrustMode.CustomRootTrust));
            Assert.That(policy.CustomTrustStore.Cast<X509Certificate2>().Select(c => c.Thumbprint), Is.EqualTo(new[] { root.RootCertificate.Thumbprint }));
            Assert.That(policy.ExtraStore.Cast<X509Certificate2>().Select(c => c.Thumbprint), Is.EqualTo(new[] { intermediateCertificate.Thumbprint }));
            Assert.That(policy.RevocationMode, Is.EqualTo(X509RevocationMode.NoCheck));
            Assert.That(policy.DisableCertificateDownloads, Is.True);
            Assert.That(second.CertificateChainPolicy, Is.Not.SameAs(policy), "each handshake gets its own copy");
        });
    }

    [Test]
    public void UseDcrTransportCertificates_KeepsAPolicyAnEarlierCallbackSet_AndTheRequestedMode()
    {
        // Arrange
        using var root = new TestPki("Bank Transport Root");
        using var services = Services(o => o.Transport.TrustedRoots.Add(root.RootCertificate));
        var own = new X509ChainPolicy { TrustMode = X509ChainTrustMode.System };
        var https = new HttpsConnectionAdapterOptions { OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = own };

        // Act
        https.UseDcrTransportCertificates(services, ClientCertificateMode.RequireCertificate);
        var options = Authenticate(https);

        // Assert
        Assert.That(https.ClientCertificateMode, Is.EqualTo(ClientCertificateMode.RequireCertificate));
        Assert.That(options.CertificateChainPolicy, Is.SameAs(own));
    }

    [Test]
    public void UseDcrTransportCertificates_RootsAddedLater_AreUsedByNewHandshakes()
    {
        // Arrange
        using var first = new TestPki("First Root");
        using var later = new TestPki("Later Root");
        using var services = Services(o => o.Transport.TrustedRoots.Add(first.RootCertificate));
        var https = new HttpsConnectionAdapterOptions().UseDcrTransportCertificates(services);
        _ = Authenticate(https);

        // Act
        services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<DcrOptions>>().CurrentValue.Transport.TrustedRoots.Add(later.RootCertificate);
        var policy = Authenticate(https).CertificateChainPolicy!;

        // Assert
        Assert.That(policy.CustomTrustStore, Has.Count.EqualTo(2));
    }

    private static SslServerAuthenticationOptions Authenticate(HttpsConnectionAdapterOptions https)
    {
        var ssl = new SslServerAuthenticationOptions();
        https.OnAuthenticate!(null!, ssl);
        return ssl;
    }

    private ServiceProvider Services(Action<DcrOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddDcr(o =>
        {
            o.Issuer = "https://bank.example.com";
            o.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = _directory.Issuer, Jwks = _directory.Jwks });
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    private TestDirectory _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = new TestDirectory("Test Directory");

    [OneTimeTearDown]
    public void DisposeDirectory() => _directory.Dispose();
}
