// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Testing;

/// <summary>A throwaway certificate authority generated in memory: transport certificates for TPPs and a TLS server certificate.</summary>
public sealed class TestPki : IDisposable
{
    private readonly RSA _caKey;

    public TestPki(string name = "IdentityServer.Dcr Test Root CA")
    {
        _caKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=IdentityServer.Dcr Tests, C=GB", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _caWithKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(2));
        RootCertificate = X509CertificateLoader.LoadCertificate(_caWithKey.RawData);
    }

    private readonly X509Certificate2 _caWithKey;

    /// <summary>The root CA certificate (public part only is needed by relying parties).</summary>
    public X509Certificate2 RootCertificate { get; }

    /// <summary>Issues a client (transport) certificate with the given subject.</summary>
    public X509Certificate2 IssueClientCertificate(X500DistinguishedName subject, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return Issue(request, key, notBefore, notAfter);
    }

    /// <summary>
    /// Issues a certificate with the given extended key usages (OIDs; <see langword="null"/> leaves the extension out),
    /// for example a TLS server or an OB signing certificate from the same CA as the transport certificates.
    /// </summary>
    public X509Certificate2 IssueCertificateWithUsages(X500DistinguishedName subject, string[]? extendedKeyUsages)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        if (extendedKeyUsages is not null)
        {
            var usages = new OidCollection();
            foreach (var usage in extendedKeyUsages)
            {
                usages.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        return Issue(request, key, null, null);
    }

    /// <summary>The TLS server authentication usage (id-kp-serverAuth).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>The TLS client authentication usage (id-kp-clientAuth).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>Issues a TLS server certificate for localhost and 127.0.0.1.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        return Issue(request, key, null, null);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <see cref="RootCertificate"/> (for HttpClient server validation).</summary>
    public bool IsIssuedHere(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(RootCertificate);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        _caWithKey.Dispose();
        RootCertificate.Dispose();
    }

    /// <summary>
    /// When set, every certificate issued from now on names this CRL distribution point (serve <see cref="BuildCrl"/>
    /// there over plain HTTP, as CAs do).
    /// </summary>
    public Uri? CrlDistributionPoint { get; set; }

    private readonly List<byte[]> _revokedSerials = [];
    private long _crlNumber;

    /// <summary>Revokes <paramref name="certificate"/>: the next <see cref="BuildCrl"/> lists it.</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_revokedSerials)
        {
            _revokedSerials.Add(certificate.SerialNumberBytes.ToArray());
        }
    }

    /// <summary>A CRL signed by the CA, listing the revoked certificates, valid from a minute ago for <paramref name="validity"/>.</summary>
    public byte[] BuildCrl(TimeSpan validity)
    {
        var builder = new CertificateRevocationListBuilder();
        lock (_revokedSerials)
        {
            foreach (var serial in _revokedSerials)
            {
                builder.AddEntry(serial, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
            }
        }

        var now = DateTimeOffset.UtcNow;
        return builder.Build(_caWithKey, Interlocked.Increment(ref _crlNumber), now.Add(validity), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, now.AddMinutes(-1));
    }

    private X509Certificate2 Issue(CertificateRequest request, RSA key, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (CrlDistributionPoint is { } crl)
        {
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl.AbsoluteUri]));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(RootCertificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(_caWithKey, notBefore ?? DateTimeOffset.UtcNow.AddHours(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
