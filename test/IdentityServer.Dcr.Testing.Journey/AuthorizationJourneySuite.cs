// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Testing.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Testing.Journey;

/// <summary>
/// The OBIE authorization journey on a demo bank in-process, over real mutual TLS for the TPP and plain TLS for the
/// customer's browser (an HTTP client that follows the bank's own redirects and its server-rendered forms, and a real
/// headless Chromium): intent, signed request object by value or pushed, the sandbox consent page, the redirect back
/// with a detached ID token, and the code exchanged with the registered client authentication. Each bank's test
/// project derives one fixture and supplies the bank and a registered TPP (<see cref="DemoBankSuite.StartAsync"/>).
/// </summary>
[Category("Integration")]
public abstract partial class AuthorizationJourneySuite : DemoBankSuite
{
    /// <summary>The sandbox's account-access-consent endpoint (OB Read/Write 3.1).</summary>
    private const string Consents = "/open-banking/v3.1/aisp/account-access-consents";

    private JsonObject _discovery = null!;

    protected override async Task OnStartedAsync()
    {
        using var browser = BrowserClient();
        _discovery = JsonNode.Parse(await browser.GetStringAsync(new Uri(Bank.Url + "/.well-known/openid-configuration")))!.AsObject();
    }

    private string ClientId => Tpp.ClientId;

    private string RedirectUri => Tpp.RedirectUri;

    [Test]
    public void Discovery_PublishesTheJourneyUnderTheIssuer()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_discovery["issuer"]!.GetValue<string>().TrimEnd('/'), Is.EqualTo(Bank.Url));
            Assert.That(_discovery["authorization_endpoint"]!.GetValue<string>(), Is.EqualTo(Bank.Url + "/connect/authorize"));
            Assert.That(_discovery["pushed_authorization_request_endpoint"]!.GetValue<string>(), Is.EqualTo(Bank.Url + "/connect/par"));
            Assert.That(_discovery["token_endpoint"]!.GetValue<string>(), Is.EqualTo(Bank.Url + "/connect/token"));
            Assert.That(_discovery["request_parameter_supported"]!.GetValue<bool>(), Is.True);
            Assert.That(Strings(_discovery["code_challenge_methods_supported"]), Is.EquivalentTo(new[] { "S256" }));
            Assert.That(Strings(_discovery["response_modes_supported"]), Does.Not.Contain("form_post"));
            Assert.That(Strings(_discovery["claims_supported"]), Does.Contain("openbanking_intent_id"));
            Assert.That(Strings(_discovery["response_types_supported"]), Does.Contain("code id_token"));
            Assert.That(Strings(_discovery["id_token_signing_alg_values_supported"]), Does.Contain(Tpp.IdTokenSignedResponseAlg));
            Assert.That(_discovery.ContainsKey("backchannel_authentication_endpoint"), Is.False, "no CIBA for registered clients");
            Assert.That(_discovery.ContainsKey("device_authorization_endpoint"), Is.False, "no device flow for registered clients");
        });
    }

    [Test]
    public async Task Hybrid_ByValue_Approved_CodeAndDetachedIdTokenThenTokens()
    {
        // Arrange
        var intent = await CreateIntentAsync();
        var state = "state-" + Guid.NewGuid().ToString("N");
        var nonce = "nonce-" + Guid.NewGuid().ToString("N");
        var request = SignRequestObject(intent, "code id_token", state, nonce);

        // Act: the browser goes to the bank, the customer approves.
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request)), "approve");

        // Assert: code, id_token and state in the fragment; the ID token is a detached signature of code and state.
        var response = Fragment(redirect);
        Assert.That(response.ContainsKey("error"), Is.False, redirect.AbsoluteUri);
        var (header, idToken) = ReadJwt(response["id_token"]);
        Assert.Multiple(() =>
        {
            Assert.That(redirect.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
            Assert.That(response["state"], Is.EqualTo(state));
            Assert.That(header["alg"]?.GetValue<string>(), Is.EqualTo(Tpp.IdTokenSignedResponseAlg), "signed with the registered algorithm");
            Assert.That(Claim(idToken, "openbanking_intent_id"), Is.EqualTo(intent));
            Assert.That(Claim(idToken, "nonce"), Is.EqualTo(nonce));
            Assert.That(Claim(idToken, "c_hash"), Is.EqualTo(HalfHash(response["code"])));
            Assert.That(Claim(idToken, "s_hash"), Is.EqualTo(HalfHash(state)));
            Assert.That(Audiences(idToken), Does.Contain(ClientId));
        });
        Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.Authorised));

        // Act: the TPP exchanges the code with its registered client authentication.
        using var exchange = await ExchangeAsync(response["code"], codeVerifier: null);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;

        // Assert
        Assert.That(exchange.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToJsonString());
        var (_, backChannel) = ReadJwt(tokens["id_token"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(tokens["access_token"], Is.Not.Null);
            Assert.That(Claim(backChannel, "openbanking_intent_id"), Is.EqualTo(intent));
            Assert.That(Claim(backChannel, "sub"), Is.EqualTo(Claim(idToken, "sub")));
        });

        // The code is single use.
        using var again = await ExchangeAsync(response["code"], codeVerifier: null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task EssentialAcr_TheStrongestAcceptedValueInBothIdTokens()
    {
        // Arrange: the conformance suite's request (OIDC Core 5.5.1: essential, values sca and ca).
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s-acr", "n-acr", c => c["claims"]!["id_token"]!["acr"] = new JsonObject
        {
            ["essential"] = true,
            ["values"] = new JsonArray("urn:openbanking:psd2:sca", "urn:openbanking:psd2:ca"),
        });

        // Act
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request)), "approve");
        var response = Fragment(redirect);
        using var exchange = await ExchangeAsync(response["code"], codeVerifier: null);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;

        // Assert
        Assert.That(exchange.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToJsonString());
        Assert.Multiple(() =>
        {
            Assert.That(Claim(ReadJwt(response["id_token"]).Claims, "acr"), Is.EqualTo("urn:openbanking:psd2:sca"), "front channel");
            Assert.That(Claim(ReadJwt(tokens["id_token"]!.GetValue<string>()).Claims, "acr"), Is.EqualTo("urn:openbanking:psd2:sca"), "token endpoint");
            Assert.That(_discovery["acr_values_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "urn:openbanking:psd2:sca", "urn:openbanking:psd2:ca" }));
            Assert.That(_discovery["claims_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Does.Contain("acr"));
        });
    }

    [Test]
    public async Task EssentialAcrTheBankCannotDeliver_AccessDeniedToTheRedirectUriAndNoPage()
    {
        // Arrange
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s-acr2", "n-acr2", c => c["claims"]!["id_token"]!["acr"] = new JsonObject
        {
            ["essential"] = true,
            ["value"] = "urn:example:loa-9",
        });

        // Act
        using var browser = BrowserClient();
        using var response = await browser.GetAsync(new Uri(Bank.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("request", request))));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var fragment = Fragment(response.Headers.Location!);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Headers.Location!.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
            Assert.That(fragment.GetValueOrDefault("error"), Is.EqualTo("access_denied"));
            Assert.That(fragment.GetValueOrDefault("error_description"), Is.EqualTo(
                "None of the requested acr values (urn:example:loa-9) is one this bank's sign-in delivers: "
                + "urn:openbanking:psd2:sca, urn:openbanking:psd2:ca."));
            Assert.That(fragment.GetValueOrDefault("state"), Is.EqualTo("s-acr2"));
            Assert.That(fragment.ContainsKey("code"), Is.False);
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });
    }

    [TestCase("Approve", null)]
    [TestCase("Reject", "access_denied")]
    public async Task Browser_Hybrid_ByValue_CustomerDecidesOnTheBanksPage(string button, string? error)
    {
        // Arrange: Debian's headless Chromium as the customer's browser; the TPP's redirect URI host is caught on loopback.
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "state-b", "nonce-b");
        var options = new BrowserSessionOptions();
        options.TrustedCertificates.Add(Bank.ServerCertificate);
        options.InterceptedHosts.Add(new Uri(RedirectUri).Host);
        await using var browser = await BrowserSession.StartAsync(options);

        // Act
        await browser.RunAsync(async session =>
        {
            await session.NavigateAsync(new Uri(Bank.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request))));
            await session.WaitForTextAsync("ReadAccountsBasic");
            await session.FillAsync("Customer id", "customer-1");
            await session.FillAsync("Password", "sandbox");
            await session.ClickAsync(button);
            await session.WaitForRedirectAsync(u => u.AbsolutePath == new Uri(RedirectUri).AbsolutePath);
            await session.WaitForUrlAsync(u => u.Fragment.Length > 1, "the redirect's fragment in the address bar");
        });

        // Assert: the fragment never reaches a server; the browser's address keeps it.
        var response = Fragment(browser.Url);
        Assert.Multiple(async () =>
        {
            Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-b"));
            Assert.That(response.GetValueOrDefault("error"), Is.EqualTo(error));
            Assert.That(response.ContainsKey("code"), Is.EqualTo(error is null));
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(error is null ? IntentStatus.Authorised : IntentStatus.Rejected));
        });
    }

    [Test]
    public async Task Hybrid_ByValue_Rejected_AccessDeniedWithStateAndIntentRejected()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "state-r", "nonce-r");

        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("request", request)), "reject");

        var response = Fragment(redirect);
        Assert.Multiple(async () =>
        {
            Assert.That(response.GetValueOrDefault("error"), Is.EqualTo("access_denied"), redirect.AbsoluteUri);
            Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-r"));
            Assert.That(response.ContainsKey("code"), Is.False);
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.Rejected));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Pushed_HybridWithPkce_Approved_CodeExchangedOnlyWithItsVerifier(bool rightVerifier)
    {
        // Arrange: the request object is pushed with client authentication; the browser carries only its reference.
        var intent = await CreateIntentAsync();
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var request = SignRequestObject(intent, "code id_token", "state-p", "nonce-p", c =>
        {
            c["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            c["code_challenge_method"] = "S256";
        });
        var parEndpoint = _discovery["pushed_authorization_request_endpoint"]!.GetValue<string>();
        using var push = await TppPostAsync(parEndpoint, new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["request"] = request,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = Tpp.ClientAssertion(parEndpoint),
        });
        var pushed = JsonNode.Parse(await push.Content.ReadAsStringAsync())!;
        Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created), pushed.ToJsonString());

        // Act
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("request_uri", pushed["request_uri"]!.GetValue<string>())), "approve");
        var response = Fragment(redirect);
        Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-p"), redirect.AbsoluteUri);
        using var exchange = await ExchangeAsync(response["code"], rightVerifier ? verifier : Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));

        // Assert
        Assert.That(exchange.StatusCode, Is.EqualTo(rightVerifier ? HttpStatusCode.OK : HttpStatusCode.BadRequest), await exchange.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Pushed_WithoutClientAuthentication_IsInvalidClient()
    {
        var intent = await CreateIntentAsync();
        using var push = await TppPostAsync(_discovery["pushed_authorization_request_endpoint"]!.GetValue<string>(), new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["request"] = SignRequestObject(intent, "code id_token", "s", "n", c => { c["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; c["code_challenge_method"] = "S256"; }),
        });

        Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(JsonNode.Parse(await push.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
    }

    [Test]
    public async Task UnregisteredRedirectUri_ErrorShownNeverRedirected()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s", "n", c => c["redirect_uri"] = "https://attacker.example.com/callback");

        using var browser = BrowserClient();
        using var response = await browser.GetAsync(new Uri(Bank.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("request", request))));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Headers.Location, Is.Null, "never sent to an unregistered redirect URI");
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("invalid_request"));
        });
    }

    [Test]
    public async Task NoRequestObject_ErrorShown()
    {
        using var browser = BrowserClient();
        using var response = await browser.GetAsync(new Uri(Bank.Url + "/connect/authorize" + Query(
            ("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"), ("redirect_uri", RedirectUri), ("nonce", "n"), ("state", "s"))));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Headers.Location, Is.Null);
        });
    }

    [Test]
    public async Task IntentAlreadyAuthorised_AccessDeniedSentToTheRedirectUriWithInnerState()
    {
        // Arrange: an intent that was already decided cannot be authorised again.
        var intent = await CreateIntentAsync();
        var store = Bank.Services.GetRequiredService<IIntentStore>();
        Assert.That(await store.TrySettleAsync(intent, ClientId, authorised: false, "customer-1", CancellationToken.None), Is.True);
        var request = SignRequestObject(intent, "code id_token", "inner-state", "n");

        // Act
        using var browser = BrowserClient();
        using var response = await browser.GetAsync(new Uri(Bank.Url + "/connect/authorize" + Query(("client_id", ClientId), ("response_type", "code id_token"), ("state", "outer-state"), ("request", request))));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var fragment = Fragment(response.Headers.Location!);
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
            Assert.That(fragment.GetValueOrDefault("error"), Is.EqualTo("access_denied"));
            Assert.That(fragment.GetValueOrDefault("state"), Is.EqualTo("inner-state"), "only the signed state is returned");
        });
    }

    [Test]
    public async Task WrongCustomerPassword_PageAgainNoDecision()
    {
        var intent = await CreateIntentAsync();
        var request = SignRequestObject(intent, "code id_token", "s", "n");
        using var browser = BrowserClient();
        var (page, html) = await OpenPageAsync(browser, Query(("client_id", ClientId), ("response_type", "code id_token"), ("request", request)));
        var fields = HiddenFields(html);
        fields["customer"] = "customer-1";
        fields["password"] = "wrong";
        fields["decision"] = "approve";

        using var answer = await browser.PostAsync(FormAction(page, html), new FormUrlEncodedContent(fields));

        Assert.Multiple(async () =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("wrong password"));
            Assert.That(await IntentStatusAsync(intent), Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });
    }

    [TestCase("code id_token", true)]
    [TestCase("code", false)]
    [TestCase("code", true)]
    public async Task Browser_PkceByValueOrPushed_ApprovedInChromiumThenExchangedWithTheVerifier(string responseType, bool pushed)
    {
        // Arrange: code alone needs a client that registered only code (Duende cannot hold hybrid and code on one client).
        using var codeTpp = responseType == "code" ? await RegisterTppAsync(["code"]) : null;
        var tpp = codeTpp ?? Tpp;
        var intent = await CreateIntentAsync(tpp);
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var request = SignRequestObject(intent, responseType, "state-pk", "nonce-pk", c =>
        {
            c["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            c["code_challenge_method"] = "S256";
        }, tpp);
        string query;
        if (pushed)
        {
            var parEndpoint = _discovery["pushed_authorization_request_endpoint"]!.GetValue<string>();
            using var push = await TppPostAsync(parEndpoint, new Dictionary<string, string>
            {
                ["client_id"] = tpp.ClientId,
                ["request"] = request,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = tpp.ClientAssertion(parEndpoint),
            }, tpp);
            var pushedBody = JsonNode.Parse(await push.Content.ReadAsStringAsync())!;
            Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created), pushedBody.ToJsonString());
            query = Query(("client_id", tpp.ClientId), ("request_uri", pushedBody["request_uri"]!.GetValue<string>()));
        }
        else
        {
            query = Query(("client_id", tpp.ClientId), ("response_type", responseType), ("scope", "openid accounts"), ("request", request));
        }

        var options = new BrowserSessionOptions();
        options.TrustedCertificates.Add(Bank.ServerCertificate);
        options.InterceptedHosts.Add(new Uri(tpp.RedirectUri).Host);
        await using var browser = await BrowserSession.StartAsync(options);

        // Act
        await browser.RunAsync(async session =>
        {
            await session.NavigateAsync(new Uri(Bank.Url + "/connect/authorize" + query));
            await session.WaitForTextAsync("ReadAccountsBasic");
            await session.FillAsync("Customer id", "customer-1");
            await session.FillAsync("Password", "sandbox");
            await session.ClickAsync("Approve");
            await session.WaitForRedirectAsync(u => u.AbsolutePath == new Uri(tpp.RedirectUri).AbsolutePath);
            await session.WaitForUrlAsync(u => u.Fragment.Length > 1 || u.Query.Contains("code=", StringComparison.Ordinal), "the redirect's parameters in the address bar");
        });
        var response = Fragment(browser.Url);
        using var exchange = await ExchangeAsync(response["code"], verifier, tpp);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;

        // Assert: hybrid in the fragment, code in the query; the code needs its verifier; the ID token names the intent.
        Assert.Multiple(() =>
        {
            Assert.That(responseType == "code" ? browser.Url.Query : browser.Url.Fragment, Does.Contain("code="));
            Assert.That(response.GetValueOrDefault("state"), Is.EqualTo("state-pk"));
            Assert.That(exchange.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToJsonString());
            Assert.That(Claim(ReadJwt(tokens["id_token"]!.GetValue<string>()).Claims, "openbanking_intent_id"), Is.EqualTo(intent));
        });
    }

    [Test]
    public async Task Refresh_RegisteredRefreshGrant_RefreshTokenIssuedAndRedeemedOnlyByItsClient()
    {
        // Arrange: the TPP registered the refresh_token grant (obie-tpp and the lifecycle TPP both do) and asks for no
        // offline_access scope, as OBIE TPPs do not.
        var intent = await CreateIntentAsync();
        var redirect = await ConsentAsync(Query(("client_id", ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"),
            ("request", SignRequestObject(intent, "code id_token", "s-r", "n-r"))), "approve");
        using var exchange = await ExchangeAsync(Fragment(redirect)["code"], codeVerifier: null);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;
        Assert.That(exchange.StatusCode, Is.EqualTo(HttpStatusCode.OK), tokens.ToJsonString());
        var refreshToken = tokens["refresh_token"]?.GetValue<string>();
        Assert.That(refreshToken, Is.Not.Null.And.Not.Empty, "a refresh token for a client that registered the grant: " + tokens.ToJsonString());

        // Act: the client refreshes with its registered authentication; another client tries the same refresh token.
        var tokenEndpoint = _discovery["token_endpoint"]!.GetValue<string>();
        Dictionary<string, string> RefreshForm(IJourneyTpp client) => new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken!,
            ["client_id"] = client.ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = client.ClientAssertion(tokenEndpoint),
        };
        using var other = await RegisterTppAsync();
        using var stolen = await TppPostAsync(tokenEndpoint, RefreshForm(other), other);
        using var refreshed = await TppPostAsync(tokenEndpoint, RefreshForm(Tpp));
        var refreshedBody = JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!;

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That((int)stolen.StatusCode, Is.AnyOf(400, 401), "another client's refresh token is refused");
            Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK), refreshedBody.ToJsonString());
            Assert.That(refreshedBody["access_token"]?.GetValue<string>(), Is.Not.Null.And.Not.EqualTo(tokens["access_token"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task DeletedClient_NothingOfTheJourneyWorksAnyMore()
    {
        // Arrange: a client with a code in hand and an intent awaiting authorisation, then DELETE.
        using var tpp = await RegisterTppAsync();
        var approved = await CreateIntentAsync(tpp);
        var redirect = await ConsentAsync(Query(("client_id", tpp.ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"),
            ("request", SignRequestObject(approved, "code id_token", "s-d", "n-d", tpp: tpp))), "approve");
        var code = Fragment(redirect)["code"];
        var pending = await CreateIntentAsync(tpp);
        var token = await tpp.AccessTokenAsync();
        using (var client = TppClient(tpp))
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri(Bank.Url + "/register/" + tpp.ClientId)))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var deleted = await client.SendAsync(delete);
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());
        }

        // Act
        using var exchange = await ExchangeAsync(code, codeVerifier: null, tpp);
        using var authorize = await AuthorizeOnTheBankAsync(Query(("client_id", tpp.ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"),
            ("request", SignRequestObject(pending, "code id_token", "s-d2", "n-d2", tpp: tpp))));
        var parEndpoint = _discovery["pushed_authorization_request_endpoint"]!.GetValue<string>();
        using var push = await TppPostAsync(parEndpoint, new Dictionary<string, string>
        {
            ["client_id"] = tpp.ClientId,
            ["request"] = SignRequestObject(pending, "code id_token", "s-d3", "n-d3", c => { c["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; c["code_challenge_method"] = "S256"; }, tpp),
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = tpp.ClientAssertion(parEndpoint),
        }, tpp);

        // Assert: the code, the authorization endpoint and PAR all refuse the deleted client; nothing is redirected.
        Assert.Multiple(async () =>
        {
            Assert.That((int)exchange.StatusCode, Is.AnyOf(400, 401), await exchange.Content.ReadAsStringAsync());
            Assert.That(authorize.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(authorize.Headers.Location, Is.Null, "never redirected for an unknown client");
            Assert.That((int)push.StatusCode, Is.AnyOf(400, 401));
            Assert.That(await push.Content.ReadAsStringAsync(), Does.Not.Contain("request_uri"), "no pushed request for a deleted client");
            Assert.That(await IntentStatusAsync(pending), Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });
    }

    [Test]
    public async Task DisabledClient_RefusedEverywhereUntilEnabledAgain()
    {
        // Arrange: a client with a code in hand, a pushed request, an intent awaiting authorisation and a management
        // token, all obtained before an operator disables it.
        using var tpp = await RegisterTppAsync();
        var approved = await CreateIntentAsync(tpp);
        var redirect = await ConsentAsync(Query(("client_id", tpp.ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"),
            ("request", SignRequestObject(approved, "code id_token", "s-x", "n-x", tpp: tpp))), "approve");
        var code = Fragment(redirect)["code"];
        var pending = await CreateIntentAsync(tpp);
        var parEndpoint = _discovery["pushed_authorization_request_endpoint"]!.GetValue<string>();
        Dictionary<string, string> PushForm(string state) => new()
        {
            ["client_id"] = tpp.ClientId,
            ["request"] = SignRequestObject(pending, "code id_token", state, "n-" + state, c => { c["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; c["code_challenge_method"] = "S256"; }, tpp),
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = tpp.ClientAssertion(parEndpoint),
        };
        string pushedBefore;
        using (var push = await TppPostAsync(parEndpoint, PushForm("s-x1"), tpp))
        {
            var body = JsonNode.Parse(await push.Content.ReadAsStringAsync())!;
            Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
            pushedBefore = body["request_uri"]!.GetValue<string>();
        }

        var managementToken = await tpp.AccessTokenAsync();
        await using (var scope = Bank.Services.CreateAsyncScope())
        {
            Assert.That(await scope.ServiceProvider.GetRequiredService<RegistrationAdministration>().DisableAsync(tpp.ClientId, "operator:journey-test", CancellationToken.None), Is.True);
        }

        // Act
        using var exchange = await ExchangeAsync(code, codeVerifier: null, tpp);
        using var credentials = await ClientCredentialsAsync(tpp);
        using var byValue = await AuthorizeOnTheBankAsync(Query(("client_id", tpp.ClientId), ("response_type", "code id_token"), ("scope", "openid accounts"),
            ("request", SignRequestObject(pending, "code id_token", "s-x2", "n-x2", tpp: tpp))));
        using var byReference = await AuthorizeOnTheBankAsync(Query(("client_id", tpp.ClientId), ("request_uri", pushedBefore)));
        using var pushAfter = await TppPostAsync(parEndpoint, PushForm("s-x3"), tpp);
        using var read = await ReadRegistrationAsync(tpp, managementToken);

        // Assert: no token, no code, no pushed request, no management; nothing is sent to the client's redirect URI.
        Assert.Multiple(async () =>
        {
            Assert.That((int)exchange.StatusCode, Is.AnyOf(400, 401), await exchange.Content.ReadAsStringAsync());
            Assert.That((int)credentials.StatusCode, Is.AnyOf(400, 401));
            Assert.That(JsonNode.Parse(await credentials.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
            foreach (var authorize in new[] { byValue, byReference })
            {
                Assert.That(authorize.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), authorize.RequestMessage!.RequestUri!.AbsoluteUri);
                Assert.That(authorize.Headers.Location, Is.Null, "never redirected for a disabled client");
            }

            Assert.That(await byValue.Content.ReadAsStringAsync(), Does.Contain("unauthorized_client"));
            Assert.That((int)pushAfter.StatusCode, Is.AnyOf(400, 401));
            Assert.That(await pushAfter.Content.ReadAsStringAsync(), Does.Not.Contain("request_uri"), "no pushed request for a disabled client");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the management token it held is refused");
            Assert.That(await IntentStatusAsync(pending), Is.EqualTo(IntentStatus.AwaitingAuthorisation));
        });

        // Enabled again: a new token, and management, work; the registration was kept.
        await using (var scope = Bank.Services.CreateAsyncScope())
        {
            Assert.That(await scope.ServiceProvider.GetRequiredService<RegistrationAdministration>().EnableAsync(tpp.ClientId, "operator:journey-test", CancellationToken.None), Is.True);
        }

        using var readAgain = await ReadRegistrationAsync(tpp, await tpp.AccessTokenAsync());
        Assert.That(readAgain.StatusCode, Is.EqualTo(HttpStatusCode.OK), await readAgain.Content.ReadAsStringAsync());
    }

    private async Task<string> CreateIntentAsync(IJourneyTpp? tpp = null)
    {
        var token = await (tpp ?? Tpp).AccessTokenAsync();
        using var client = TppClient(tpp);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Bank.Url + Consents))
        {
            Content = new StringContent("""{"Data":{"Permissions":["ReadAccountsBasic","ReadBalances"]},"Risk":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["Data"]!["ConsentId"]!.GetValue<string>();
    }

    private async Task<IntentStatus?> IntentStatusAsync(string intentId)
        => (await Bank.Services.GetRequiredService<IIntentStore>().FindAsync(intentId, CancellationToken.None))?.Status;

    private string SignRequestObject(string intent, string responseType, string state, string nonce, Action<JsonObject>? modify = null, IJourneyTpp? tpp = null)
    {
        tpp ??= Tpp;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = tpp.ClientId,
            ["aud"] = _discovery["issuer"]!.GetValue<string>(),
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["client_id"] = tpp.ClientId,
            ["response_type"] = responseType,
            ["redirect_uri"] = tpp.RedirectUri,
            ["scope"] = "openid accounts",
            ["state"] = state,
            ["nonce"] = nonce,
            ["claims"] = new JsonObject
            {
                ["id_token"] = new JsonObject { ["openbanking_intent_id"] = new JsonObject { ["value"] = intent, ["essential"] = true } },
            },
        };
        modify?.Invoke(claims);
        return tpp.Sign(claims);
    }

    /// <summary>The customer's side: open the bank's page, sign in as the sandbox customer, decide; returns where the bank redirects.</summary>
    private async Task<Uri> ConsentAsync(string query, string decision)
    {
        using var browser = BrowserClient();
        var (page, html) = await OpenPageAsync(browser, query);
        Assert.That(html, Does.Contain("ReadAccountsBasic"), "the page lists the intent's permissions");
        var fields = HiddenFields(html);
        fields["customer"] = "customer-1";
        fields["password"] = "sandbox";
        fields["decision"] = decision;
        using var answer = await browser.PostAsync(FormAction(page, html), new FormUrlEncodedContent(fields));
        var location = await FollowBankRedirectsAsync(browser, answer);
        Assert.That(location, Is.Not.Null, "the bank redirects to the TPP");
        return location!;
    }

    /// <summary>The bank's page for an authorization request, following the bank's own redirects (to its sign-in page).</summary>
    private async Task<(Uri Page, string Html)> OpenPageAsync(HttpClient browser, string query)
    {
        var uri = new Uri(Bank.Url + "/connect/authorize" + query);
        for (var hops = 0; hops < 5; hops++)
        {
            using var response = await browser.GetAsync(uri);
            if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location && IsBank(new Uri(uri, location)))
            {
                uri = new Uri(uri, location);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
            return (uri, html);
        }

        throw new AssertionException("Too many redirects inside the bank.");
    }

    /// <summary>Follows the bank's redirects to itself; returns the first one that leaves the bank (to the TPP), if any.</summary>
    private async Task<Uri?> FollowBankRedirectsAsync(HttpClient browser, HttpResponseMessage response)
    {
        var current = response.RequestMessage!.RequestUri!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect).Or.EqualTo(HttpStatusCode.Found), await response.Content.ReadAsStringAsync());
        var location = new Uri(current, response.Headers.Location!);
        for (var hops = 0; hops < 5 && IsBank(location); hops++)
        {
            using var next = await browser.GetAsync(location);
            if (next.Headers.Location is null)
            {
                return null;
            }

            location = new Uri(location, next.Headers.Location);
        }

        return location;
    }

    private bool IsBank(Uri uri) => uri.GetLeftPart(UriPartial.Authority).Equals(Bank.Url, StringComparison.OrdinalIgnoreCase);

    private async Task<HttpResponseMessage> ExchangeAsync(string code, string? codeVerifier, IJourneyTpp? tpp = null)
    {
        tpp ??= Tpp;
        var tokenEndpoint = _discovery["token_endpoint"]!.GetValue<string>();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = tpp.RedirectUri,
            ["client_id"] = tpp.ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = tpp.ClientAssertion(tokenEndpoint),
        };
        if (codeVerifier is not null)
        {
            form["code_verifier"] = codeVerifier;
        }

        return await TppPostAsync(tokenEndpoint, form, tpp);
    }

    /// <summary>The customer's browser opens the authorization endpoint; a redirect to the bank's own error page (Duende's ErrorUrl) is followed.</summary>
    private async Task<HttpResponseMessage> AuthorizeOnTheBankAsync(string query)
    {
        using var browser = BrowserClient();
        var response = await browser.GetAsync(new Uri(Bank.Url + "/connect/authorize" + query));
        if (response.Headers.Location is { } location && IsBank(new Uri(response.RequestMessage!.RequestUri!, location)))
        {
            var errorPage = new Uri(response.RequestMessage!.RequestUri!, location);
            response.Dispose();
            response = await browser.GetAsync(errorPage);
        }

        return response;
    }

    private Task<HttpResponseMessage> ClientCredentialsAsync(IJourneyTpp tpp)
    {
        var tokenEndpoint = _discovery["token_endpoint"]!.GetValue<string>();
        return TppPostAsync(tokenEndpoint, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = tpp.ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = tpp.ClientAssertion(tokenEndpoint),
        }, tpp);
    }

    private async Task<HttpResponseMessage> ReadRegistrationAsync(IJourneyTpp tpp, string accessToken)
    {
        using var client = TppClient(tpp);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Bank.Url + "/register/" + tpp.ClientId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> TppPostAsync(string uri, Dictionary<string, string> form, IJourneyTpp? tpp = null)
    {
        using var client = TppClient(tpp);
        return await client.PostAsync(new Uri(uri), new FormUrlEncodedContent(form));
    }

    private HttpClient TppClient(IJourneyTpp? tpp = null) => TppClientFor(tpp ?? Tpp);


    private static string Query(params (string Name, string Value)[] parameters)
        => "?" + string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    private static Dictionary<string, string> Fragment(Uri uri)
    {
        var part = uri.Fragment.Length > 1 ? uri.Fragment[1..] : uri.Query.TrimStart('?');
        return part.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);
    }

    private static Dictionary<string, string> HiddenFields(string html)
        => HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private static Uri FormAction(Uri page, string html)
    {
        var match = PostForm().Match(html);
        Assert.That(match.Success, Is.True, "the page has a form");
        return new Uri(page, WebUtility.HtmlDecode(match.Groups[1].Value));
    }

    private static string HalfHash(string value)
    {
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(value));
        return Base64Url.EncodeToString(digest.AsSpan(0, digest.Length / 2));
    }

    /// <summary>The header and claims of a compact JWS (the signature is the TPP's to verify; here the claims matter).</summary>
    private static (JsonObject Header, JsonObject Claims) ReadJwt(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.That(parts, Has.Length.EqualTo(3), "a compact JWS");
        return (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject(), JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject());
    }

    private static string? Claim(JsonObject claims, string name) => claims[name]?.GetValue<string>();

    private static IEnumerable<string> Audiences(JsonObject claims)
        => claims["aud"] is JsonArray array ? array.Select(a => a!.GetValue<string>()) : [claims["aud"]!.GetValue<string>()];

    private static IEnumerable<string> Strings(JsonNode? node)
        => node?.AsArray().Select(v => v!.GetValue<string>()) ?? [];

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\">")]
    private static partial Regex PostForm();
}
