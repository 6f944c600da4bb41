// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>The main rejections of the lifecycle, on every host.</summary>
public abstract partial class ObieLifecycleTests
{
    [Test]
    public async Task Register_UnsignedJsonBody_Returns400InvalidClientMetadataAndStoresNothing()
    {
        // Arrange
        var tpp = Environment.NewTpp();

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate,
            body: "{\"redirect_uris\":[\"https://tpp.example.com/cb\"],\"grant_types\":[\"client_credentials\"]}", contentType: "application/json");

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_client_metadata"));
            Assert.That(json.ContainsKey("error_description"), Is.True);
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Token_FormOverTheFrameworksFieldLimit_Returns400InvalidRequestNot500()
    {
        // Arrange: more fields than ASP.NET Core reads (1,024), which the token endpoint's form reader refuses by throwing.
        var tpp = Environment.NewTpp();
        var form = string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=1"));

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.TokenEndpoint, tpp.TransportCertificate,
            body: form, contentType: "application/x-www-form-urlencoded");

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_request"));

            // Duende reads the form itself and answers invalid_request without a description; OpenIddict lets the
            // framework's exception escape to the plug-in's middleware, which says why.
            Assert.That(json["error_description"]?.GetValue<string>(), Is.Null.Or.StartWith(DcrErrorDescriptions.RequestUnreadable));
        });
    }

    [Test]
    public async Task Token_ScopeSentTwice_RefusedWithoutAToken()
    {
        // Arrange: a valid assertion, and the scope parameter twice (RFC 6749 section 3.1: parameters must not repeat).
        // OpenIddict reads a repeated parameter as no value, which the grant used to take as every registered scope.
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var assertion = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, Host.TokenEndpoint, null);
        var form = "grant_type=client_credentials&scope=accounts&scope=payments&client_id=" + Uri.EscapeDataString(clientId)
            + "&client_assertion_type=" + Uri.EscapeDataString("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            + "&client_assertion=" + Uri.EscapeDataString(assertion);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.TokenEndpoint, tpp.TransportCertificate,
            body: form, contentType: "application/x-www-form-urlencoded");

        // Assert: OpenIddict names the repeated parameter; Duende joins the values into one scope it does not know.
        var json = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json.ContainsKey("access_token"), Is.False, json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.AnyOf("invalid_request", "invalid_scope"));
            if (json["error"]!.GetValue<string>() == "invalid_request")
            {
                Assert.That(json["error_description"]!.GetValue<string>(), Is.EqualTo(DcrErrorDescriptions.ParameterRepeated("scope")));
            }
        });
    }

    [Test]
    public async Task Register_WithoutTransportCertificate_Returns400()
    {
        // Arrange
        var tpp = Environment.NewTpp();

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, null, body: Environment.SignedRequest(tpp));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Register_SoftwareStatementOfUntrustedIssuer_Returns400InvalidSoftwareStatement()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        using var rogue = new TestDirectory("Rogue Directory");
        var claims = tpp.RegistrationClaims(rogue.IssueSoftwareStatement(tpp), TestEnvironment.Audience);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: tpp.Sign(claims));

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_software_statement"));
        });
    }

    [Test]
    public async Task Register_ReplayedRequest_Returns400AndKeepsOneClient()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var request = Environment.SignedRequest(tpp);
        using var first = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: request);

        // Act
        using var replay = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: request);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Token_PrivateKeyJwtClientUsingTlsClientAuth_IsRefused()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);

        // Act
        using var response = await RequestTlsClientAuthTokenAsync(tpp, clientId);

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_AssertionSignedWithUnpublishedKey_IsRefused()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        using var other = TestSigningKey.CreatePs256(tpp.SigningKey.KeyId);

        // Act
        using var response = await RequestPrivateKeyJwtTokenAsync(tpp, clientId, other);

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_AssertionValidForYears_IsRefused()
    {
        // Arrange: a used assertion is remembered until it expires, so a ten-year one is refused.
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);

        // Act
        using var response = await RequestPrivateKeyJwtTokenAsync(tpp, clientId, lifetime: TimeSpan.FromDays(3650));

        // Assert
        await AssertInvalidClientAsync(response);
    }

    [Test]
    public async Task Token_AssertionValidForTenMinutes_IsAccepted()
    {
        // Arrange: within Dcr:Registration:MaxClientAssertionLifetime (60 minutes by default).
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);

        // Act
        using var response = await RequestPrivateKeyJwtTokenAsync(tpp, clientId, lifetime: TimeSpan.FromMinutes(10));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Token_KeyRotatedAtSoftwareJwksEndpoint_NewKeyIsAccepted()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        using var rotated = TestSigningKey.CreatePs256();
        Environment.PublishJwks(tpp, tpp.SigningKey, rotated);

        // Act
        using var response = await RequestPrivateKeyJwtTokenAsync(tpp, clientId, rotated);

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Get_AnotherClientsRegistration_Returns403()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var other = Environment.NewTpp();
        var (otherId, _) = await RegisterAsync(other);
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Get, ManagementUri(otherId), tpp.TransportCertificate, token);

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Get_WithoutToken_Returns401BearerChallenge()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        });
    }

    [Test]
    public async Task Put_SoftwareStatementOfAnotherSoftware_Returns400UnapprovedAndChangesNothing()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        var other = Environment.NewTpp();

        // Act
        using var response = await Environment.SendAsync(HttpMethod.Put, ManagementUri(clientId), tpp.TransportCertificate, token, Environment.SignedRequest(other));

        // Assert
        var json = await ReadJsonAsync(response);
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("unapproved_software_statement"));
            Assert.That(await Environment.CountRegistrationsAsync(other.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Put_ClientIdOfAnotherClient_Returns400AndChangesNothing_OwnClientIdAccepted()
    {
        // Arrange: two clients; the first one's update names the second in its client_id (RFC 7592 §2.2).
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var (otherId, _) = await RegisterAsync(Environment.NewTpp());
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        var uri = ManagementUri(clientId);

        // Act
        using var foreign = await Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token,
            Environment.SignedRequest(tpp, c => { c["client_id"] = otherId; c["scope"] = "openid accounts"; }));
        using var readAfterForeign = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var own = await Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token,
            Environment.SignedRequest(tpp, c => { c["client_id"] = clientId; c["scope"] = "openid accounts"; }));

        // Assert
        var json = await ReadJsonAsync(foreign);
        var unchanged = await ReadJsonAsync(readAfterForeign);
        var updated = await ReadJsonAsync(own);
        Assert.Multiple(() =>
        {
            Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_client_metadata"));
            Assert.That(json["error_description"]!.GetValue<string>(), Does.Contain("client_id"));
            Assert.That(unchanged["scope"]!.GetValue<string>(), Does.Contain("payments"), "the refused update changed nothing");
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), updated.ToJsonString());
            Assert.That(updated["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
        });
    }

    [Test]
    public async Task Get_UnknownClient_Returns401AndRevokesThePresentedToken()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp);
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);

        // Act
        using var unknown = await Environment.SendAsync(HttpMethod.Get, ManagementUri(Guid.NewGuid().ToString()), tpp.TransportCertificate, token);
        using var own = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the presented token was revoked");
        });
    }
}
