// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// The run's certificate authority: a TLS server certificate for 127.0.0.1 (both servers and the JWKS server use it)
/// and one transport certificate per TPP. Like <c>TestPki</c>, but the leaf keys come from a small pool: RSA key
/// generation costs tens of milliseconds, and neither server can tell (or benefits from) two certificates sharing a key.
/// </summary>
public sealed class BenchPki : IDisposable
{
    private readonly RSA _caKey = RSA.Create(2048);
    private readonly X509Certificate2 _ca;

    public BenchPki()
    {
        var request = new CertificateRequest("CN=IdentityServer.Dcr Bench Root CA, O=IdentityServer.Dcr Bench, C=GB", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(60));
        RootCertificate = X509CertificateLoader.LoadCertificate(_ca.RawData);
        ServerKey = RSA.Create(2048);
        ServerCertificate = IssueServer();
    }

    public X509Certificate2 RootCertificate { get; }

    public RSA ServerKey { get; }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>A transport certificate with an Open Banking legacy subject, over a pooled key.</summary>
    public X509Certificate2 IssueClient(string softwareId, string organisationId, RSA key)
    {
        var request = new CertificateRequest($"CN={softwareId}, OU={organisationId}, O=OpenBanking, C=GB", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = Issue(request);
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        _ca.Dispose();
        RootCertificate.Dispose();
        ServerKey.Dispose();
        ServerCertificate.Dispose();
    }

    /// <summary>Writes the root (PEM), the server certificate and its key (PEM) into <paramref name="directory"/>.</summary>
    public (string Root, string Certificate, string Key) WritePem(string directory)
    {
        var root = Path.Combine(directory, "root-ca.pem");
        var certificate = Path.Combine(directory, "server.crt");
        var key = Path.Combine(directory, "server.key");
        File.WriteAllText(root, RootCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(certificate, ServerCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(key, ServerKey.ExportPkcs8PrivateKeyPem() + "\n");
        return (root, certificate, key);
    }

    private X509Certificate2 IssueServer()
    {
        var request = new CertificateRequest("CN=localhost", ServerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var issued = Issue(request);
        return issued.CopyWithPrivateKey(ServerKey);
    }

    private X509Certificate2 Issue(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return request.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
    }
}
