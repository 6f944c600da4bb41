// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// Transport trust and input rules, the same on every plug-in and endpoint (issue 9): assertions without <c>kid</c>,
/// every client-authentication failure as <c>invalid_client</c>, the clientAuth key usage, management bound to the
/// client's own certificate, <c>nbf</c>, URI syntax, base64url, and the JWKS network policy.
/// </summary>
public abstract partial class ObieLifecycleTests
{
    private Task<HttpResponseMessage> RequestTokenWithAssertionAsync(TestTpp tpp, string clientId, string assertion)
        => Environment.PostFormAsync(Host.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        });

    [TestCase("PS256", false)]
    [TestCase("ES256", false)]
    [TestCase("PS256", true)]
    public async Task Token_AssertionWithoutKid_IsAcceptedWithTheOneKeyOfItsAlgorithm(string algorithm, bool emptyKid)
    {
        // Arrange: the OBIE conformance suite's assertions carry no kid; the TPP's JWKS holds one signing key.
        var tpp = Environment.NewTpp(algorithm == "ES256" ? TestSigningKey.CreateEs256() : TestSigningKey.CreatePs256());
        var (clientId, _) = await RegisterAsync(tpp);
        var assertion = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, Host.TokenEndpoint, null, null, omitKeyId: !emptyKid, keyIdOverride: emptyKid ? string.Empty : null);

        // Act
        using var response = await RequestTokenWithAssertionAsync(tpp, clientId, assertion);

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Token_AssertionWithoutKidAndTwoKeysOfItsAlgorithm_IsInvalidClient()
    {
        // Arrange: two PS256 keys published; without a kid the bank cannot tell which one is meant.
        var tpp = Environment.NewTpp();
        using var second = TestSigningKey.CreatePs256("second");
        Environment.PublishJwks(tpp, tpp.SigningKey, second);
        var (clientId, _) = await RegisterAsync(tpp);
        var assertion = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, Host.TokenEndpoint, null, null, omitKeyId: true);

        // Act
        using var response = await RequestTokenWithAssertionAsync(tpp, clientId, assertion);

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [TestCase("no exp")]
    [TestCase("no jti")]
    [TestCase("sub of another client")]
    [TestCase("iss of another client")]
    [TestCase("nbf in the future")]
    [TestCase("expired")]
    public async Task Token_AssertionBreakingARule_IsInvalidClient(string rule)
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var (otherId, _) = await RegisterAsync(Environment.NewTpp());
        var now = DateTimeOffset.UtcNow;
        Action<JsonObject> modify = rule switch
        {
            "no exp" => c => c.Remove("exp"),
            "no jti" => c => c.Remove("jti"),
            "sub of another client" => c => c["sub"] = otherId,
            "iss of another client" => c => c["iss"] = otherId,
            "nbf in the future" => c => c["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            _ => c => c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
        };
        var assertion = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, Host.TokenEndpoint, null, modify, omitKeyId: false);

        // Act
        using var response = await RequestTokenWithAssertionAsync(tpp, clientId, assertion);

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_AssertionInStandardBase64_IsInvalidClient()
    {
        // Arrange: the signature segment in standard base64 with padding (RFC 7515 requires base64url without).
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        string assertion;
        do
        {
            var parts = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, Host.TokenEndpoint).Split('.');
            assertion = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]))}";
        }
        while (!assertion.Contains('+', StringComparison.Ordinal) && !assertion.Contains('/', StringComparison.Ordinal) && !assertion.EndsWith('='));

        // Act
        using var response = await RequestTokenWithAssertionAsync(tpp, clientId, assertion);

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_TlsClientAuthWithoutCertificate_IsInvalidClient()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.LegacyTransportSubject().Name;
        });

        // Act
        using var response = await Environment.PostFormAsync(Host.TokenEndpoint, null, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
        });

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_TlsClientAuthWithServerCertificateOfTheRegisteredSubject_IsInvalidClient()
    {
        // Arrange: the bank's CA issued a TLS server certificate with the registered subject; it is not a transport certificate.
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.LegacyTransportSubject().Name;
        });
        using var server = Environment.Pki.IssueCertificateWithUsages(tpp.LegacyTransportSubject(), [TestPki.ServerAuthentication]);

        // Act
        using var response = await Environment.PostFormAsync(Host.TokenEndpoint, server, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
        });

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [TestCase(TestPki.ServerAuthentication)]
    [TestCase(null)]
    public async Task Register_TransportCertificateWithoutClientAuthUsage_Returns400AndStoresNothing(string? usage)
    {
        // Arrange: a certificate of the trusted CA naming the TPP, but for server authentication (or for no stated usage).
        var tpp = Environment.NewTpp();
        using var certificate = Environment.Pki.IssueCertificateWithUsages(tpp.LegacyTransportSubject(), usage is null ? null : [usage]);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, certificate, body: Environment.SignedRequest(tpp));

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_client_metadata"));
            Assert.That(
                json["error_description"]?.GetValue<string>(),
                Is.EqualTo("The transport certificate is not a TLS client certificate: it must carry the clientAuth extended key usage."));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [TestCase("GET")]
    [TestCase("DELETE")]
    [TestCase("PUT")]
    public async Task Management_VictimsTokenWithAnotherTppsCertificate_Returns401AndChangesNothing(string method)
    {
        // Arrange: the victim's token has leaked to another TPP, which holds a valid certificate of its own.
        var victim = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(victim);
        var token = await TokenWithPrivateKeyJwtAsync(victim, clientId);
        var attacker = Environment.NewTpp();

        // Act
        using var response = await Environment.SendAsync(new HttpMethod(method), ManagementUri(clientId), attacker.TransportCertificate, token,
            method == "PUT" ? Environment.SignedRequest(victim) : null);

        // Assert
        using var stillThere = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), victim.TransportCertificate, token);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), await response.Content.ReadAsStringAsync());
            Assert.That(await Environment.CountRegistrationsAsync(victim.SoftwareId), Is.EqualTo(1));
            Assert.That(stillThere.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the victim's registration and token are unharmed");
        });
    }

    [Test]
    public async Task Register_RequestNotYetValid_Returns400AndStoresNothing()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var body = Environment.SignedRequest(tpp, c => c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: body);

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error_description"]?.GetValue<string>(), Is.EqualTo("The registration request is not valid yet (nbf)."));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [TestCase("https://tpp.example.com/cb\r\nSet-Cookie: x=1")]
    [TestCase("https://tpp.example.com/c b")]
    [TestCase("https://user@tpp.example.com/cb")]
    [TestCase("https://tpp.example.com/cb#frag")]
    public async Task Register_RedirectUriNotRfc3986ButListedInTheSsa_Returns400InvalidRedirectUri(string redirectUri)
    {
        // Arrange: the directory's signature covers the URI, which does not make it a valid URI.
        var tpp = Environment.NewTpp();
        tpp.RedirectUris.Clear();
        tpp.RedirectUris.Add(redirectUri);
        var body = Environment.SignedRequest(tpp, c => c["redirect_uris"] = new JsonArray(redirectUri));

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: body);

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_redirect_uri"));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Register_SoftwareStatementInStandardBase64_Returns400()
    {
        // Arrange: the SSA's signature re-encoded in standard base64 with padding.
        var tpp = Environment.NewTpp();
        string ssa;
        do
        {
            var parts = Environment.Directory.IssueSoftwareStatement(tpp).Split('.');
            ssa = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]))}";
        }
        while (!ssa.Contains('+', StringComparison.Ordinal) && !ssa.Contains('/', StringComparison.Ordinal) && !ssa.EndsWith('='));
        var body = Environment.SignedRequest(tpp, c => c["software_statement"] = ssa);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: body);

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_software_statement"));
            Assert.That(
                json["error_description"]?.GetValue<string>(),
                Is.EqualTo("The software statement is not base64url-encoded without padding (RFC 7515)."));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [TestCase("https://169.254.169.254/latest/meta-data/jwks")]
    [TestCase("https://2852039166/jwks")]
    [TestCase("https://[::ffff:169.254.169.254]/jwks")]
    [TestCase("https://0.0.0.0/jwks")]
    public async Task Register_SoftwareJwksEndpointAtMetadataAddress_Returns400AtOnce(string jwksUri)
    {
        // Arrange: the bank allows loopback JWKS (a sandbox), which must not open the metadata service or 0.0.0.0. A
        // connection attempt would end in a time-out and a 503; the refusal is a 400 before any connection.
        var tpp = Environment.NewTpp();
        var ssa = Environment.Directory.IssueSoftwareStatement(tpp, c => c["software_jwks_endpoint"] = jwksUri);
        var body = Environment.SignedRequest(tpp, c => c["software_statement"] = ssa);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: body);

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.AnyOf("invalid_software_statement", "invalid_client_metadata"));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Put_SwitchToASecretMethod_Returns400AndKeepsTheRegistration()
    {
        // Arrange: a private_key_jwt client; the bank also enables client_secret_basic.
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        var update = Environment.SignedRequest(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "client_secret_basic";
            c.Remove("token_endpoint_auth_signing_alg");
        });

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Put, ManagementUri(clientId), tpp.TransportCertificate, token, update);
        using var read = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);

        // Assert: the client would have no secret (a 200 without one locks it out); it must register anew.
        var json = await ReadJsonAsync(response);
        var current = await ReadJsonAsync(read);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_client_metadata"));
            Assert.That(json["error_description"]?.GetValue<string>(), Is.EqualTo(
                "An update cannot change token_endpoint_auth_method from 'private_key_jwt' to 'client_secret_basic': "
                + "moving between secret-based and key- or certificate-based client authentication needs a new registration."));
            Assert.That(current["token_endpoint_auth_method"]?.GetValue<string>(), Is.EqualTo("private_key_jwt"));
        });
    }
}
