// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Host.Development;

/// <summary>
/// The sandbox's keys and certificates, made on first start and kept under App_Data/sandbox so that restarts keep
/// the TPPs already enrolled working: a CA for transport certificates, the TLS server certificate, and the SSA
/// signing key of the sandbox directory. Development only: the files hold private keys without a password.
/// </summary>
public sealed class SandboxPki
{
    private readonly string _revokedPath;
    private readonly HashSet<string> _revoked;
    private long _crlNumber = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private SandboxPki(
        X509Certificate2 ca,
        X509Certificate2 server,
        RSA anchorKey,
        string anchorKeyId,
        Uri? crlDistributionPoint,
        string revokedPath,
        TimeSpan crlValidity)
    {
        CrlValidity = crlValidity;
        SoftwareJwksDirectory = Path.Combine(Path.GetDirectoryName(revokedPath)!, "software-jwks");
        CertificateAuthority = ca;
        ServerCertificate = server;
        AnchorKey = anchorKey;
        AnchorKeyId = anchorKeyId;
        CrlDistributionPoint = crlDistributionPoint;
        _revokedPath = revokedPath;
        _revoked = File.Exists(revokedPath)
            ? new HashSet<string>(File.ReadAllLines(revokedPath).Where(l => l.Length > 0), StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// How long a CRL of the sandbox CA is valid (Sandbox:CrlValidity, default a minute): a revocation is seen within
    /// this time, plus the engine's verdict cache.
    /// </summary>
    public TimeSpan CrlValidity { get; }

    /// <summary>Where the TPP JWKS the sandbox hosts are kept (App_Data/sandbox/software-jwks), so they survive a restart.</summary>
    public string SoftwareJwksDirectory { get; }

    /// <summary>The TPP JWKS the sandbox hosts, by software id (read from <see cref="SoftwareJwksDirectory"/> when not yet in memory).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> SoftwareJwks { get; } = new(StringComparer.Ordinal);

    /// <summary>Where transport certificates say their CA publishes its CRL (plain HTTP, as CAs do), if anywhere.</summary>
    public Uri? CrlDistributionPoint { get; }

    public X509Certificate2 CertificateAuthority { get; }

    public X509Certificate2 ServerCertificate { get; }

    public RSA AnchorKey { get; }

    public string AnchorKeyId { get; }

    public static SandboxPki LoadOrCreate(string directory, Uri? crlDistributionPoint = null, TimeSpan? crlValidity = null)
    {
        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, "ca.pfx");
        var serverPath = Path.Combine(directory, "server.pfx");
        var anchorPath = Path.Combine(directory, "ssa-signing-key.pem");

        var ca = File.Exists(caPath) ? X509CertificateLoader.LoadPkcs12FromFile(caPath, null, X509KeyStorageFlags.Exportable) : CreateCa(caPath);
        var server = File.Exists(serverPath) ? X509CertificateLoader.LoadPkcs12FromFile(serverPath, null) : CreateServer(ca, serverPath);
        var anchor = RSA.Create();
        if (File.Exists(anchorPath))
        {
            anchor.ImportFromPem(File.ReadAllText(anchorPath));
        }
        else
        {
            anchor.KeySize = 2048;
            File.WriteAllText(anchorPath, anchor.ExportPkcs8PrivateKeyPem());
        }

        var keyId = Convert.ToHexString(SHA256.HashData(anchor.ExportSubjectPublicKeyInfo()))[..16].ToLowerInvariant();
        return new SandboxPki(
            ca,
            server,
            anchor,
            keyId,
            crlDistributionPoint,
            Path.Combine(directory, "revoked-serials.txt"),
            crlValidity ?? TimeSpan.FromMinutes(1));
    }

    /// <summary>Issues a transport certificate named like an Open Banking one: <c>CN=software_id, OU=org_id, O=OpenBanking, C=GB</c>.</summary>
    public X509Certificate2 IssueTransportCertificate(string softwareId, string organisationId)
    {
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCountryOrRegion("GB");
        subject.AddOrganizationName("OpenBanking");
        subject.AddOrganizationalUnitName(organisationId);
        subject.AddCommonName(softwareId);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (CrlDistributionPoint is { } crl)
        {
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl.AbsoluteUri]));
        }

        return Sign(request, key, CertificateAuthority, TimeSpan.FromDays(365));
    }

    /// <summary>Revokes a transport certificate the sandbox CA issued (kept under App_Data, so it survives restarts).</summary>
    /// <returns>Whether the certificate was issued by the sandbox CA (and is now revoked).</returns>
    public bool Revoke(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CertificateAuthority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        if (!chain.Build(certificate))
        {
            return false;
        }

        lock (_revoked)
        {
            if (_revoked.Add(certificate.SerialNumber))
            {
                File.WriteAllLines(_revokedPath, _revoked);
            }
        }

        return true;
    }

    /// <summary>The sandbox CA's current CRL (DER), valid for <see cref="CrlValidity"/>.</summary>
    public byte[] BuildCrl()
    {
        var builder = new CertificateRevocationListBuilder();
        lock (_revoked)
        {
            foreach (var serial in _revoked)
            {
                builder.AddEntry(Convert.FromHexString(serial), DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
            }
        }

        var now = DateTimeOffset.UtcNow;
        return builder.Build(
            CertificateAuthority,
            Interlocked.Increment(ref _crlNumber),
            now.Add(CrlValidity),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1,
            now.AddMinutes(-1));
    }

    private static X509Certificate2 CreateCa(string path)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            "CN=IdentityServer.Dcr Sandbox CA, O=IdentityServer.Dcr Sandbox, C=GB",
            key,
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var bytes = ca.Export(X509ContentType.Pkcs12);
        File.WriteAllBytes(path, bytes);
        return X509CertificateLoader.LoadPkcs12(bytes, null, X509KeyStorageFlags.Exportable);
    }

    private static X509Certificate2 CreateServer(X509Certificate2 ca, string path)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        var server = Sign(request, key, ca, TimeSpan.FromDays(365 * 2));
        File.WriteAllBytes(path, server.Export(X509ContentType.Pkcs12));
        return server;
    }

    private static X509Certificate2 Sign(CertificateRequest request, RSA key, X509Certificate2 ca, TimeSpan lifetime)
    {
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(lifetime), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
