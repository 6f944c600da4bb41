// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Authorization;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

/// <summary>
/// <c>exchange</c> on answers that must be refused before any network call (so no bank is needed here): the state,
/// the redirect URI, the response mode, error responses, a missing code or ID token.
/// </summary>
[TestFixture]
public sealed class ExchangeCommandTests
{
    private const string Redirect = "https://tpp.example.com/callback";

    private static PendingAuthorization Pending(string responseType = "code id_token") => new()
    {
        State = "saved-state",
        Nonce = "saved-nonce",
        ResponseType = responseType,
        RedirectUri = Redirect,
        ConsentId = "aac-1",
        Scope = "openid accounts",
    };

    [TestCase(Redirect + "#code=c&id_token=a.b.c&state=saved-state", "code id_token")]
    [TestCase(Redirect + "?code=c&state=saved-state", "code")]
    [TestCase("code=c&state=saved-state", "code")]
    [TestCase("#error=access_denied&state=saved-state", "code id_token")]
    public void CheckAnswersTheRequest_TheRequestsAnswer_Accepted(string url, string responseType)
        => Assert.That(() => ExchangeCommand.CheckAnswersTheRequest(AuthorizationResponse.Parse(url), Pending(responseType)), Throws.Nothing);

    [TestCase(Redirect + "#code=c&id_token=a.b.c&state=another-state", "code id_token", "state is not the one")]
    [TestCase(Redirect + "#code=c&id_token=a.b.c&state=saved-stat", "code id_token", "state is not the one")]
    [TestCase(Redirect + "#code=c&id_token=a.b.c", "code id_token", "no state")]
    [TestCase(Redirect + "#error=access_denied", "code id_token", "no state (it says access_denied)")]
    [TestCase("https://attacker.example.com/callback#code=c&state=saved-state", "code id_token", "not at the redirect URI")]
    [TestCase(Redirect + "/x#code=c&state=saved-state", "code id_token", "not at the redirect URI")]
    [TestCase(Redirect + "?code=c&state=saved-state", "code id_token", "comes in the fragment")]
    [TestCase(Redirect + "#code=c&state=saved-state", "code", "comes in the query")]
    public void CheckAnswersTheRequest_NotTheRequestsAnswer_Refused(string url, string responseType, string expected)
        => Assert.That(
            () => ExchangeCommand.CheckAnswersTheRequest(AuthorizationResponse.Parse(url), Pending(responseType)),
            Throws.TypeOf<TppException>().With.Message.Contains(expected));

    [Test]
    public async Task Run_AccessDenied_ReportedAndTheRequestSpent()
    {
        using var directory = new TempDirectory();
        var context = await StateWithPendingAsync(directory, Pending());

        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = Redirect + "#error=access_denied&error_description=Rejected+by+the+customer&state=saved-state" }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.EqualTo("the bank refused the authorization: access_denied: Rejected by the customer (the customer rejected the consent, or it can no longer be authorised: create another with 'obie-tpp consent')."));
        Assert.That(context.Store.Load().PendingAuthorization, Is.Null);
    }

    [TestCase(Redirect + "#code=c&id_token=a.b.c&state=forged", "state is not the one")]
    [TestCase(Redirect + "#error=access_denied&state=forged", "state is not the one")]
    [TestCase(Redirect + "#id_token=a.b.c&state=saved-state", "no code")]
    [TestCase(Redirect + "#code=c&state=saved-state", "no id_token")]
    public async Task Run_Hostile_RefusedBeforeAnyCall(string url, string expected)
    {
        using var directory = new TempDirectory();
        var context = await StateWithPendingAsync(directory, Pending());

        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = url }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains(expected));
        Assert.That(context.Store.Load().AuthorizationTokens, Is.Null);
    }

    [Test]
    public async Task Run_ForgedState_KeepsTheRealRequest()
    {
        using var directory = new TempDirectory();
        var context = await StateWithPendingAsync(directory, Pending());

        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = Redirect + "#error=access_denied&state=forged" }, CancellationToken.None),
            Throws.TypeOf<TppException>());
        Assert.That(context.Store.Load().PendingAuthorization?.State, Is.EqualTo("saved-state"));
    }

    [Test]
    public async Task Run_NoAuthorizationInProgress_SaysToAuthorizeFirst()
    {
        using var directory = new TempDirectory();
        var context = await StateWithPendingAsync(directory, null);

        Assert.That(
            () => new ExchangeCommand(context).RunAsync(new ExchangeOptions { RedirectedUrl = Redirect + "#code=c&state=s" }, CancellationToken.None),
            Throws.TypeOf<TppException>().With.Message.Contains("run 'obie-tpp authorize' first"));
    }

    private static async Task<TppContext> StateWithPendingAsync(TempDirectory directory, PendingAuthorization? pending)
    {
        var context = new TppContext(new CapturedConsole().Console, new StateStore(directory.Path));
        await new InitCommand(context).RunAsync(new InitOptions { Algorithm = "ES256" }, CancellationToken.None);
        var state = context.Store.Load();
        state.ClientId = "client-1";
        state.PendingAuthorization = pending;
        context.Store.Save(state);
        return context;
    }
}
