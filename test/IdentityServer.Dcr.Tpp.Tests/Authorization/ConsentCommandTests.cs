// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

[TestFixture]
public sealed class ConsentCommandTests
{
    private static readonly Uri Consents = new("https://bank.example.com/open-banking/v3.1/aisp/account-access-consents");

    [Test]
    public void BuildBody_DefaultPermissions_ObReadConsent1()
        => Assert.That(
            ConsentCommand.BuildBody(ConsentOptions.DefaultPermissions, null).ToJsonString(),
            Is.EqualTo("""{"Data":{"Permissions":["ReadAccountsBasic","ReadAccountsDetail","ReadBalances"]},"Risk":{}}"""));

    [Test]
    public void BuildBody_CommaSeparatedAndExpiry_SplitDeduplicatedAndIso8601()
    {
        var body = ConsentCommand.BuildBody(["ReadAccountsBasic, ReadBalances", "ReadBalances"], "2031-01-01T01:00:00+02:00");

        Assert.Multiple(() =>
        {
            Assert.That(body["Data"]!["Permissions"]!.ToJsonString(), Is.EqualTo("""["ReadAccountsBasic","ReadBalances"]"""));
            Assert.That(body["Data"]!["ExpirationDateTime"]!.GetValue<string>(), Is.EqualTo("2031-01-01T01:00:00+02:00"));
            Assert.That(body["Risk"]!.ToJsonString(), Is.EqualTo("{}"));
        });
    }

    [TestCase("tomorrow")]
    [TestCase("2030-13-01T00:00:00Z")]
    public void BuildBody_BadExpiry_Refused(string expires)
        => Assert.That(() => ConsentCommand.BuildBody(["ReadBalances"], expires), Throws.TypeOf<TppException>().With.Message.Contains("ISO 8601"));

    [Test]
    public void BuildBody_NoPermissions_Refused()
        => Assert.That(() => ConsentCommand.BuildBody([" , "], null), Throws.TypeOf<TppException>().With.Message.Contains("no permissions"));

    [Test]
    public void Failure_ObErrorBody_CodeMessageAndPathOnOneLine()
    {
        var response = new BankResponse(HttpMethod.Post, Consents, HttpStatusCode.BadRequest, "Bad Request",
            """{"Code":"400 BadRequest","Id":"x","Message":"The account-access-consent request is not valid.","Errors":[{"ErrorCode":"UK.OBIE.Field.Invalid","Message":"Unknown permission ReadEverything.","Path":"Data.Permissions"}]}""", null);

        var message = ConsentCommand.Failure(response, "creating the account-access consent").Message;

        Assert.That(message, Is.EqualTo($"creating the account-access consent failed: POST {Consents} answered 400 Bad Request: The account-access-consent request is not valid. UK.OBIE.Field.Invalid: Unknown permission ReadEverything. (at Data.Permissions)"));
    }

    [TestCase(HttpStatusCode.Unauthorized, "Bearer error=\"invalid_token\"", "run 'obie-tpp token'")]
    [TestCase(HttpStatusCode.Forbidden, "Bearer error=\"insufficient_scope\", scope=\"accounts\"", "lacks the 'accounts' scope")]
    [TestCase(HttpStatusCode.Forbidden, null, "may not do this")]
    public void Failure_401And403WithoutBody_Explained(HttpStatusCode status, string? challenge, string expected)
    {
        var response = new BankResponse(HttpMethod.Post, Consents, status, null, "", challenge);

        Assert.That(ConsentCommand.Failure(response, "creating the account-access consent").Message, Does.Contain(expected).And.Contain(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
