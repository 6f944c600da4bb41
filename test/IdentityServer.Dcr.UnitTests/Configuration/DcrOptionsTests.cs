// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.UnitTests.Configuration;

[TestFixture]
public sealed class DcrOptionsTests
{
    private const string InlineJwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"kid\":\"k1\"}]}";

    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Dcr:Issuer"] = "https://bank.example.com",
        ["Dcr:SoftwareStatement:TrustAnchors:0:Issuer"] = "OpenBanking Ltd",
        ["Dcr:SoftwareStatement:TrustAnchors:0:Jwks"] = InlineJwks,
        ["Dcr:Transport:RequireClientCertificate"] = "false",
    };

    private static DcrOptions Resolve(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddDcr(configuration.GetSection("Dcr")).AddInMemoryClientStore();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DcrOptions>>().Value;
    }

    [Test]
    public void Bind_ListGivenInConfiguration_ReplacesTheDefaultRatherThanAppending()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(Valid) { ["Dcr:SoftwareStatement:AllowedAlgorithms:0"] = "PS256" };

        // Act
        var options = Resolve(settings);

        // Assert
        Assert.That(options.SoftwareStatement.AllowedAlgorithms, Is.EqualTo(new[] { "PS256" }));
    }

    [Test]
    public void Bind_ListsLeftEmpty_GetTheDocumentedDefaults()
    {
        // Act
        var options = Resolve(Valid);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(options.SpecVersion, Is.EqualTo(DcrSpecVersion.Version33));
            Assert.That(options.SoftwareStatement.AllowedAlgorithms, Is.EqualTo(new[] { "PS256", "ES256" }));
            Assert.That(options.Registration.TokenEndpointAuthMethods, Is.EqualTo(new[] { "private_key_jwt", "tls_client_auth" }));
            Assert.That(options.Registration.DefaultResponseTypes, Is.EqualTo(new[] { "code id_token" }));
            Assert.That(options.Registration.RoleScopes["aisp"], Is.EqualTo(new[] { "accounts" }));
        });
    }

    [TestCase("3.2", DcrSpecVersion.Version32)]
    [TestCase("3.3", DcrSpecVersion.Version33)]
    [TestCase(" 3.4 ", DcrSpecVersion.Version34)]
    [TestCase("version32", DcrSpecVersion.Version32)]
    [TestCase("Version34", DcrSpecVersion.Version34)]
    public void Bind_SpecVersionAsWritten_IsRead(string value, DcrSpecVersion expected)
    {
        // Act
        var options = Resolve(new Dictionary<string, string?>(Valid) { ["Dcr:SpecVersion"] = value });

        // Assert
        Assert.That(options.SpecVersion, Is.EqualTo(expected));
    }

    [TestCase("3.9")]
    [TestCase("33")]
    [TestCase("latest")]
    public void Bind_UnknownSpecVersion_FailsNamingTheAcceptedValues(string value)
    {
        // Act
        var exception = Assert.Catch(() => Resolve(new Dictionary<string, string?>(Valid) { ["Dcr:SpecVersion"] = value }));

        // Assert
        Assert.That(exception!.InnerException?.Message ?? exception.Message, Does.Contain("use 3.2, 3.3 or 3.4"));
    }

    [Test]
    public void Bind_EnumsAndDictionaries_AreRead()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Dcr:SpecVersion"] = "Version34",
            ["Dcr:Registration:UnsupportedValues"] = "Substitute",
            ["Dcr:Registration:FieldHandling:Scope"] = "Reject",
            ["Dcr:Transport:TrustedProxies:0"] = "10.1.2.3",
        };

        // Act
        var options = Resolve(settings);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(options.SpecVersion, Is.EqualTo(DcrSpecVersion.Version34));
            Assert.That(options.Registration.HandlingFor(MetadataField.Scope), Is.EqualTo(UnsupportedValueHandling.Reject));
            Assert.That(options.Registration.HandlingFor(MetadataField.GrantTypes), Is.EqualTo(UnsupportedValueHandling.Substitute));
            Assert.That(options.Transport.TrustedProxies, Is.EqualTo(new[] { "10.1.2.3" }));
        });
    }

    [TestCase("Dcr:SoftwareStatement:TrustAnchors:0:Issuer", null, "TrustAnchors")]
    [TestCase("Dcr:SoftwareStatement:AllowedAlgorithms:0", "none", "'none' is not accepted")]
    [TestCase("Dcr:RequestObject:AllowedAlgorithms:0", "HS256", "'HS256' is not accepted")]
    [TestCase("Dcr:Registration:TokenEndpointAuthMethods:0", "client_secret_jwt", "client_secret_jwt is not supported")]
    [TestCase("Dcr:Registration:GrantTypes:0", "password", "'password' is not defined")]
    [TestCase("Dcr:Transport:RequireClientCertificate", "true", "TrustedRoots is empty")]
    [TestCase("Dcr:Transport:TrustedProxies:0", "not-an-ip", "is not an IP address")]
    [TestCase("Dcr:Issuer", null, "AcceptedAudiences is empty")]
    [TestCase("Dcr:Jwks:Timeout", "00:00:00", "Timeout must be positive")]
    [TestCase("Dcr:Jwks:AllowedNetworks:0", "localhost", "AllowedNetworks: 'localhost' is not a network")]
    [TestCase("Dcr:Jwks:AllowNonPublicAddresses", "true", "replaced by Dcr:Jwks:AllowedNetworks")]
    [TestCase("Dcr:Registration:MaxClientAssertionLifetime", "00:00:00", "MaxClientAssertionLifetime must be positive")]
    public void Validate_WrongSetting_FailsAtStartWithTheSettingNamed(string key, string? value, string expected)
    {
        // Arrange
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        if (key.StartsWith("Dcr:SoftwareStatement:TrustAnchors", StringComparison.Ordinal))
        {
            settings.Remove("Dcr:SoftwareStatement:TrustAnchors:0:Jwks");
            settings.Remove(key);
        }

        // Act
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        // Assert
        Assert.That(exception!.Message, Does.Contain(expected));
    }

    [Test]
    public void Validate_InlineJwksWithPrivateKey_Fails()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Dcr:SoftwareStatement:TrustAnchors:0:Jwks"] = InlineJwks.Replace("\"kid\"", "\"d\":\"secret\",\"kid\"", StringComparison.Ordinal),
        };

        // Act / Assert
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(settings));
        Assert.That(exception!.Message, Does.Contain("private key"));
    }

    [Test]
    public void Validate_InlineJwksWithOnlyAShortRsaKey_Fails()
    {
        // Arrange: a 1024-bit RSA public key (too short to accept).
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        var parameters = rsa.ExportParameters(false);
        var jwks = $"{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"short\",\"n\":\"{Jose.Base64Url.Encode(parameters.Modulus!)}\",\"e\":\"{Jose.Base64Url.Encode(parameters.Exponent!)}\"}}]}}";
        var settings = new Dictionary<string, string?>(Valid) { ["Dcr:SoftwareStatement:TrustAnchors:0:Jwks"] = jwks };

        // Act / Assert
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(settings));
        Assert.That(exception!.Message, Does.Contain("no usable public signing key"));
    }
}
