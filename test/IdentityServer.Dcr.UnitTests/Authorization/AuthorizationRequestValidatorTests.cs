// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.Registration;
using IdentityServer.Dcr.UnitTests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.UnitTests.Authorization;

/// <summary>
/// The OBIE / FAPI 1 Advanced rules of an authorization request by a registered client: each rule refused on its own,
/// with the error code and whether the error may go to the redirect URI (only after the verified request object names
/// a registered one).
/// </summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AuthorizationRequestValidatorTests : IDisposable
{
    private const string ClientId = "client-1";
    private const string Issuer = "https://bank.example.com";
    private const string RedirectUri = "https://tpp.example.com/callback";

    private readonly InMemoryIntentStore _intents = new();
    private readonly RegistrationServiceFixture _fixture;
    private readonly AuthorizationIntent _intent;

    public AuthorizationRequestValidatorTests()
    {
        _fixture = new RegistrationServiceFixture(configureServices: s => s.AddSingleton<IIntentStore>(_intents));
        _intent = _intents.Add(ClientId);
    }

    public void Dispose() => _fixture.Dispose();

    private IAuthorizationRequestValidator Validator => _fixture.Services.GetRequiredService<IAuthorizationRequestValidator>();

    private static ClientRegistration Registration(Action<ClientMetadata>? modify = null)
    {
        var metadata = new ClientMetadata
        {
            RedirectUris = [RedirectUri, "https://tpp.example.com/cb?x=1"],
            TokenEndpointAuthMethod = "private_key_jwt",
            TokenEndpointAuthSigningAlg = "PS256",
            GrantTypes = ["authorization_code", "client_credentials", "refresh_token"],
            ResponseTypes = ["code id_token", "code"],
            Scope = "openid accounts payments",
            IdTokenSignedResponseAlg = "PS256",
            RequestObjectSigningAlg = "PS256",
            SoftwareId = "software-1",
            JwksUri = RegistrationServiceFixture.TppJwksUri,
        };
        modify?.Invoke(metadata);
        return new ClientRegistration
        {
            ClientId = ClientId,
            ClientIdIssuedAt = DateTimeOffset.UtcNow,
            SoftwareId = "software-1",
            OrganisationId = "org-1",
            SoftwareStatementIssuer = "directory",
            Metadata = metadata,
            SoftwareStatement = "ssa",
            SoftwareStatementClaims = "{}",
            UpdatedAt = DateTimeOffset.UtcNow,
            ConcurrencyStamp = "1",
        };
    }

    private JsonObject Claims(Action<JsonObject>? modify = null)
    {
        var now = _fixture.Time.GetUtcNow();
        var claims = new JsonObject
        {
            ["iss"] = ClientId,
            ["aud"] = Issuer,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["client_id"] = ClientId,
            ["response_type"] = "code id_token",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid accounts",
            ["state"] = "state-1",
            ["nonce"] = "nonce-1",
            ["claims"] = new JsonObject
            {
                ["id_token"] = new JsonObject { ["openbanking_intent_id"] = new JsonObject { ["value"] = _intent.IntentId, ["essential"] = true } },
            },
        };
        modify?.Invoke(claims);
        return claims;
    }

    private Task<AuthorizationRequestResult> ValidateAsync(string? requestObject, Dictionary<string, string?>? outer = null, bool pushed = false, ClientRegistration? registration = null)
        => Validator.ValidateAsync(registration ?? Registration(), new AuthorizationRequest
        {
            RequestObject = requestObject,
            OuterParameters = outer ?? new Dictionary<string, string?> { ["client_id"] = ClientId, ["response_type"] = "code id_token", ["scope"] = "openid accounts" },
            Audiences = [Issuer, Issuer + "/"],
            Pushed = pushed,
        }, CancellationToken.None);

    private string Sign(JsonObject claims) => _fixture.Tpp.Sign(claims);

    [Test]
    public async Task ValidateAsync_HybridWithIntent_ParametersComeFromTheRequestObjectOnly()
    {
        // Arrange: an outer nonce that differs must not be used (FAPI 1 Advanced 5.2.2-10).
        var outer = new Dictionary<string, string?> { ["client_id"] = ClientId, ["response_type"] = "code id_token", ["scope"] = "openid", ["nonce"] = "outside" };

        // Act
        var result = await ValidateAsync(Sign(Claims()), outer);

        // Assert
        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
        Assert.Multiple(() =>
        {
            Assert.That(result.IntentId, Is.EqualTo(_intent.IntentId));
            Assert.That(result.Parameters!["nonce"], Is.EqualTo("nonce-1"));
            Assert.That(result.Parameters["scope"], Is.EqualTo("openid accounts"));
            Assert.That(result.Parameters["redirect_uri"], Is.EqualTo(RedirectUri));
            Assert.That(result.Parameters.ContainsKey("iss"), Is.False, "JWT claims are not parameters");
            Assert.That(result.Parameters.ContainsKey("exp"), Is.False);
            Assert.That(JsonNode.Parse(result.Parameters["claims"])!["id_token"]!["openbanking_intent_id"]!["value"]!.GetValue<string>(), Is.EqualTo(_intent.IntentId));
        });
    }

    [Test]
    public async Task ValidateAsync_DisabledClient_UnauthorizedClientShownNeverRedirected()
    {
        // Arrange: a request that is valid in every other way.
        var disabled = Registration().WithDisabled(disabled: true, DateTimeOffset.UtcNow);

        // Act
        var result = await ValidateAsync(Sign(Claims()), registration: disabled);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo("unauthorized_client"));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo("The client is disabled by the bank."));
            Assert.That(result.RedirectUri, Is.Null, "not sent to the client");
        });
    }

    [TestCase("""{"essential":true,"values":["urn:openbanking:psd2:sca","urn:openbanking:psd2:ca"]}""", "urn:openbanking:psd2:sca")]
    [TestCase("""{"essential":true,"values":["urn:openbanking:psd2:ca"]}""", "urn:openbanking:psd2:ca")]
    [TestCase("""{"essential":true}""", "urn:openbanking:psd2:sca")]
    [TestCase("""null""", "urn:openbanking:psd2:sca")]
    [TestCase("""{"values":["urn:example:loa-9"]}""", null)]
    public async Task ValidateAsync_AcrRequested_TheStrongestAcceptedValueIsAsserted(string acrRequest, string? expected)
    {
        var result = await ValidateAsync(Sign(Claims(c => c["claims"]!["id_token"]!["acr"] = JsonNode.Parse(acrRequest))));

        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
        Assert.That(result.Acr, Is.EqualTo(expected));
    }

    [Test]
    public async Task ValidateAsync_NoAcrRequested_NoneAsserted()
    {
        var result = await ValidateAsync(Sign(Claims()));

        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
        Assert.That(result.Acr, Is.Null);
    }

    [Test]
    public async Task ValidateAsync_EssentialAcrNotDelivered_AccessDeniedToTheRedirectUri()
    {
        var result = await ValidateAsync(Sign(Claims(c => c["claims"]!["id_token"]!["acr"] = new JsonObject { ["essential"] = true, ["value"] = "urn:example:loa-9" })));

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo("access_denied"));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo("None of the requested acr values (urn:example:loa-9) is one this bank's sign-in delivers: urn:openbanking:psd2:sca, urn:openbanking:psd2:ca."));
            Assert.That(result.RedirectUri, Is.EqualTo(RedirectUri));
        });
    }

    [Test]
    public async Task ValidateAsync_CodeWithPkceS256_IsValid()
    {
        var result = await ValidateAsync(Sign(Claims(c =>
        {
            c["response_type"] = "code";
            c["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
            c["code_challenge_method"] = "S256";
        })), new Dictionary<string, string?> { ["client_id"] = ClientId, ["response_type"] = "code" });

        Assert.That(result.Succeeded, Is.True, result.Error?.ErrorDescription);
    }

    [Test]
    public async Task ValidateAsync_UserinfoIntentPlacement_IsAccepted()
    {
        var result = await ValidateAsync(Sign(Claims(c => c["claims"] = new JsonObject
        {
            ["userinfo"] = new JsonObject { ["openbanking_intent_id"] = new JsonObject { ["value"] = _intent.IntentId } },
        })));

        Assert.That(result.IntentId, Is.EqualTo(_intent.IntentId), result.Error?.ErrorDescription);
    }

    // Errors shown to the user: nothing of the request object can be trusted, or its redirect URI is not registered.
    [TestCase("missing", "invalid_request", DcrErrorDescriptions.RequestObjectRequired)]
    [TestCase("not-a-jws", "invalid_request_object", "The request object is unsigned (alg none is not accepted).")]
    [TestCase("rs256", "invalid_request_object", DcrErrorDescriptions.RequestObjectAlgorithmNotRegistered)]
    [TestCase("other-key", "invalid_request_object", "The request object's signature was not verified: the signature is invalid.")]
    [TestCase("iss", "invalid_request_object", DcrErrorDescriptions.RequestObjectIssuerNotClient)]
    [TestCase("client_id", "invalid_request_object", DcrErrorDescriptions.RequestObjectClientIdNotClient)]
    [TestCase("aud", "invalid_request_object", DcrErrorDescriptions.RequestObjectAudienceNotIssuer)]
    [TestCase("aud-par-endpoint", "invalid_request_object", DcrErrorDescriptions.RequestObjectAudienceNotIssuer)]
    [TestCase("no-exp", "invalid_request_object", DcrErrorDescriptions.RequestObjectExpMissing)]
    [TestCase("no-nbf", "invalid_request_object", DcrErrorDescriptions.RequestObjectNbfMissing)]
    [TestCase("expired", "invalid_request_object", DcrErrorDescriptions.RequestObjectExpired)]
    [TestCase("nbf-70-minutes-ago", "invalid_request_object", "The request object's nbf is more than 60 minutes in the past.")]
    [TestCase("lifetime-70-minutes", "invalid_request_object", "The request object's exp must be after its nbf and at most 60 minutes after it.")]
    [TestCase("nbf-future", "invalid_request_object", DcrErrorDescriptions.RequestObjectNotYetValid)]
    [TestCase("no-redirect-uri", "invalid_request_object", DcrErrorDescriptions.RequestObjectRedirectUriMissing)]
    [TestCase("unregistered-redirect-uri", "invalid_request", DcrErrorDescriptions.RedirectUriNotRegistered)]
    [TestCase("redirect-uri-prefix", "invalid_request", DcrErrorDescriptions.RedirectUriNotRegistered)]
    [TestCase("outer-redirect-uri-differs", "invalid_request", DcrErrorDescriptions.RedirectUriMismatch)]
    [TestCase("request-and-request-uri", "invalid_request", DcrErrorDescriptions.RequestAndRequestUri)]
    public async Task ValidateAsync_Refused_ErrorIsShownNotRedirected(string fault, string error, string description)
    {
        // Arrange
        var now = _fixture.Time.GetUtcNow();
        var outer = new Dictionary<string, string?> { ["client_id"] = ClientId, ["response_type"] = "code id_token" };
        string? requestObject = fault switch
        {
            "missing" => null,
            "not-a-jws" => "eyJhbGciOiJub25lIn0.e30.",
            "rs256" => Jose.JWT.Encode(Claims().ToJsonString(), _fixture.Tpp.SigningKey.Key, Jose.JwsAlgorithm.RS256, new Dictionary<string, object> { ["kid"] = _fixture.Tpp.SigningKey.KeyId }),
            "other-key" => TestSigningKey.CreatePs256(_fixture.Tpp.SigningKey.KeyId).Sign(Claims()),
            "iss" => Sign(Claims(c => c["iss"] = "someone-else")),
            "client_id" => Sign(Claims(c => c["client_id"] = "client-2")),
            "aud" => Sign(Claims(c => c["aud"] = "https://other-bank.example.com")),
            "aud-par-endpoint" => Sign(Claims(c => c["aud"] = Issuer + "/connect/par")),
            "no-exp" => Sign(Claims(c => c.Remove("exp"))),
            "no-nbf" => Sign(Claims(c => c.Remove("nbf"))),
            "expired" => Sign(Claims(c => { c["nbf"] = now.AddMinutes(-65).ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds(); })),
            "nbf-70-minutes-ago" => Sign(Claims(c => { c["nbf"] = now.AddMinutes(-70).ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(-11).ToUnixTimeSeconds() + 1200; })),
            "lifetime-70-minutes" => Sign(Claims(c => c["exp"] = now.AddMinutes(70).ToUnixTimeSeconds())),
            "nbf-future" => Sign(Claims(c => c["nbf"] = now.AddMinutes(10).ToUnixTimeSeconds())),
            "no-redirect-uri" => Sign(Claims(c => c.Remove("redirect_uri"))),
            "unregistered-redirect-uri" => Sign(Claims(c => c["redirect_uri"] = "https://attacker.example.com/callback")),
            "redirect-uri-prefix" => Sign(Claims(c => c["redirect_uri"] = RedirectUri + "/more")),
            "outer-redirect-uri-differs" => Sign(Claims()),
            "request-and-request-uri" => Sign(Claims()),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        if (fault == "outer-redirect-uri-differs")
        {
            outer["redirect_uri"] = "https://tpp.example.com/callback2";
        }

        if (fault == "request-and-request-uri")
        {
            outer["request_uri"] = "urn:ietf:params:oauth:request_uri:abc";
        }

        // Act
        var result = await ValidateAsync(requestObject, outer);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Error?.Error, Is.EqualTo(error), result.Error?.ErrorDescription);
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(description));
            Assert.That(result.RedirectUri, Is.Null, "no trusted redirect URI yet: the error is for the user's screen");
        });
    }

    // Errors sent to the registered redirect URI of the verified request object, with its state.
    [TestCase("response_type-mismatch", "invalid_request_object", DcrErrorDescriptions.ResponseTypeMismatch)]
    [TestCase("client_id-outer-mismatch", "invalid_request_object", DcrErrorDescriptions.ClientIdMismatch)]
    [TestCase("unregistered-response-type", "unsupported_response_type", "The response_type code is not one the client registered and the bank supports.")]
    [TestCase("unsupported-response-type", "unsupported_response_type", "The response_type code id_token token is not one the client registered and the bank supports.")]
    [TestCase("no-response-type", "invalid_request_object", DcrErrorDescriptions.ResponseTypeMissing)]
    [TestCase("query-mode-for-hybrid", "invalid_request_object", DcrErrorDescriptions.HybridResponseModeNotFragment)]
    [TestCase("unregistered-scope", "invalid_scope", "The scope fundsconfirmations is not one the client registered.")]
    [TestCase("no-openid", "invalid_scope", DcrErrorDescriptions.ScopeWithoutOpenId)]
    [TestCase("no-scope", "invalid_request_object", DcrErrorDescriptions.ScopeMissing)]
    [TestCase("no-nonce", "invalid_request_object", DcrErrorDescriptions.NonceMissing)]
    [TestCase("code-without-pkce", "invalid_request_object", DcrErrorDescriptions.PkceRequired)]
    [TestCase("code-with-plain-pkce", "invalid_request_object", DcrErrorDescriptions.PkceRequired)]
    [TestCase("no-intent", "invalid_request_object", DcrErrorDescriptions.IntentRequired)]
    [TestCase("unknown-intent", "access_denied", DcrErrorDescriptions.IntentNotFound)]
    [TestCase("other-clients-intent", "access_denied", DcrErrorDescriptions.IntentNotFound)]
    [TestCase("authorised-intent", "access_denied", "The intent is Authorised, not AwaitingAuthorisation.")]
    [TestCase("expired-intent", "access_denied", DcrErrorDescriptions.IntentExpired)]
    [TestCase("no-authorization-code-grant", "unauthorized_client", DcrErrorDescriptions.AuthorizationCodeGrantNotRegistered)]
    public async Task ValidateAsync_Refused_ErrorGoesToTheRedirectUriWithState(string fault, string error, string description)
    {
        // Arrange
        var outer = new Dictionary<string, string?> { ["client_id"] = ClientId };
        var registration = Registration();
        JsonObject claims = fault switch
        {
            "response_type-mismatch" => Claims(),
            "client_id-outer-mismatch" => Claims(),
            "unregistered-response-type" => Claims(c => c["response_type"] = "code"),
            "unsupported-response-type" => Claims(c => c["response_type"] = "code id_token token"),
            "no-response-type" => Claims(c => c.Remove("response_type")),
            "query-mode-for-hybrid" => Claims(c => c["response_mode"] = "query"),
            "unregistered-scope" => Claims(c => c["scope"] = "openid fundsconfirmations"),
            "no-openid" => Claims(c => c["scope"] = "accounts"),
            "no-scope" => Claims(c => c.Remove("scope")),
            "no-nonce" => Claims(c => c.Remove("nonce")),
            "code-without-pkce" => Claims(c => c["response_type"] = "code"),
            "code-with-plain-pkce" => Claims(c => { c["response_type"] = "code"; c["code_challenge"] = "verifier-as-is-123456789012345678901234567890"; c["code_challenge_method"] = "plain"; }),
            "no-intent" => Claims(c => c.Remove("claims")),
            "unknown-intent" => Claims(c => c["claims"]!["id_token"]!["openbanking_intent_id"]!["value"] = "urn-intent-unknown"),
            "other-clients-intent" => Claims(c => c["claims"]!["id_token"]!["openbanking_intent_id"]!["value"] = _intents.Add("client-2").IntentId),
            "authorised-intent" => Claims(c => c["claims"]!["id_token"]!["openbanking_intent_id"]!["value"] = _intents.Add(ClientId, IntentStatus.Authorised).IntentId),
            "expired-intent" => Claims(c => c["claims"]!["id_token"]!["openbanking_intent_id"]!["value"] = _intents.Add(ClientId, expiresAt: _fixture.Time.GetUtcNow().AddMinutes(-1)).IntentId),
            "no-authorization-code-grant" => Claims(),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        if (fault == "response_type-mismatch")
        {
            outer["response_type"] = "code";
        }

        if (fault == "client_id-outer-mismatch")
        {
            outer["client_id"] = "client-2";
        }

        if (fault == "unregistered-response-type")
        {
            registration = Registration(m => m.ResponseTypes = ["code id_token"]);
        }

        if (fault == "no-authorization-code-grant")
        {
            registration = Registration(m => m.GrantTypes = ["client_credentials"]);
        }

        // Act
        var result = await ValidateAsync(Sign(claims), outer, registration: registration);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Error?.Error, Is.EqualTo(error), result.Error?.ErrorDescription);
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(description));
            Assert.That(result.RedirectUri, Is.EqualTo(RedirectUri));
            Assert.That(result.State, Is.EqualTo("state-1"));
        });
    }

    [Test]
    public async Task ValidateAsync_PushedHybridWithoutPkce_IsRefused()
    {
        // Arrange: PKCE S256 is mandatory on pushed requests (FAPI 1 Advanced 5.2.2-18), whatever the response type.
        var requestObject = Sign(Claims());

        // Act
        var pushed = await ValidateAsync(requestObject, pushed: true);
        var byValue = await ValidateAsync(requestObject, pushed: false);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(pushed.Error?.Error, Is.EqualTo("invalid_request_object"));
            Assert.That(pushed.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.PkceRequired));
            Assert.That(byValue.Succeeded, Is.True, byValue.Error?.ErrorDescription);
        });
    }

    [Test]
    public async Task ValidateAsync_NoIntentStoreRegistered_EveryIntentIsRefused()
    {
        // Arrange: a bank that forgot to register its intents cannot authorise anything by accident.
        using var fixture = new RegistrationServiceFixture();
        var validator = fixture.Services.GetRequiredService<IAuthorizationRequestValidator>();
        var now = fixture.Time.GetUtcNow();
        var claims = Claims(c => { c["nbf"] = now.ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(); });

        // Act
        var result = await validator.ValidateAsync(Registration(), new AuthorizationRequest
        {
            RequestObject = fixture.Tpp.Sign(claims),
            OuterParameters = new Dictionary<string, string?> { ["client_id"] = ClientId },
            Audiences = [Issuer],
        }, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo("access_denied"));
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.NoIntentStore));
        });
    }
}
