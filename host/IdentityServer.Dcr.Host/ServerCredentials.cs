// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Host;

/// <summary>
/// The authorization server's token signing and encryption certificates. A bank names its own PKCS#12 files
/// (<c>Server:SigningCertificate:Path</c>/<c>Password</c>, <c>Server:EncryptionCertificate:Path</c>/<c>Password</c>);
/// in Development, when none is named, self-signed ones are made once and kept under <c>App_Data/server</c> (no
/// password: development only), so tokens stay valid across restarts.
/// </summary>
internal sealed record ServerCredentials(X509Certificate2 Signing, X509Certificate2 Encryption, X509Certificate2? EcSigning = null)
{
    public static ServerCredentials Load(IConfiguration configuration, IHostEnvironment environment, string appData)
    {
        var signing = configuration["Server:SigningCertificate:Path"];
        var encryption = configuration["Server:EncryptionCertificate:Path"];
        if (signing is { Length: > 0 } && encryption is { Length: > 0 })
        {
            var ec = configuration["Server:EcSigningCertificate:Path"];
            return new(
                X509CertificateLoader.LoadPkcs12FromFile(signing, configuration["Server:SigningCertificate:Password"]),
                X509CertificateLoader.LoadPkcs12FromFile(encryption, configuration["Server:EncryptionCertificate:Password"]),
                ec is { Length: > 0 } ? X509CertificateLoader.LoadPkcs12FromFile(ec, configuration["Server:EcSigningCertificate:Password"]) : null);
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Outside Development, set Server:SigningCertificate:Path and Server:EncryptionCertificate:Path "
                + "(PKCS#12 files, with :Password if any): the token signing and encryption certificates.");
        }

        var directory = Path.Combine(appData, "server");
        Directory.CreateDirectory(directory);
        return new(
            LoadOrCreate(Path.Combine(directory, "signing.pfx"), "CN=IdentityServer.Dcr Demo Token Signing", X509KeyUsageFlags.DigitalSignature),
            LoadOrCreate(Path.Combine(directory, "encryption.pfx"), "CN=IdentityServer.Dcr Demo Token Encryption", X509KeyUsageFlags.KeyEncipherment),
            LoadOrCreate(
                Path.Combine(directory, "ec-signing.pfx"),
                "CN=IdentityServer.Dcr Demo Token Signing (P-256)",
                X509KeyUsageFlags.DigitalSignature,
                ec: true));
    }

    private static X509Certificate2 LoadOrCreate(string path, string subject, X509KeyUsageFlags usage, bool ec = false)
    {
        if (File.Exists(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, null);
        }

        using AsymmetricAlgorithm key = ec ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ecdsa
            ? new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(2));
        var bytes = certificate.Export(X509ContentType.Pkcs12);
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return X509CertificateLoader.LoadPkcs12(bytes, null);
    }
}
