// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Tests.Http;

[TestFixture]
public sealed class BankResponseTests
{
    private static readonly Uri Register = new("https://bank.example/register");

    [Test]
    public void Failure_Rfc7591ErrorBody_NamesErrorAndDescription()
    {
        // Arrange
        var response = new BankResponse(HttpMethod.Post, Register, HttpStatusCode.BadRequest, "Bad Request",
            """{"error":"invalid_software_statement","error_description":"The SSA signature is invalid."}""", null);

        // Act
        var failure = response.Failure("registration");

        // Assert
        Assert.That(failure.Message, Is.EqualTo(
            "registration failed: POST https://bank.example/register answered 400 Bad Request: invalid_software_statement: The SSA signature is invalid."));
    }

    [TestCase(HttpStatusCode.NotFound, "Not Found")]
    [TestCase(HttpStatusCode.MethodNotAllowed, "Method Not Allowed")]
    public void Failure_EndpointMissing_SaysTheBankDoesNotProvideIt(HttpStatusCode status, string reason)
    {
        // Arrange
        var response = new BankResponse(HttpMethod.Delete, new Uri(Register, "register/abc"), status, reason, "", null);

        // Act
        var failure = response.Failure("deleting the registration");

        // Assert
        Assert.That(failure.Message, Does.Contain($"{(int)status} {reason}: the bank does not provide this endpoint"));
    }

    [Test]
    public void Failure_Unauthorized_ShowsChallengeAndNextStep()
    {
        // Arrange
        var response = new BankResponse(HttpMethod.Get, Register, HttpStatusCode.Unauthorized, "Unauthorized", "", "Bearer error=\"invalid_token\"");

        // Act
        var failure = response.Failure("reading the registration");

        // Assert
        Assert.That(failure.Message, Does.Contain("(Bearer error=\"invalid_token\")").And.Contain("obie-tpp token"));
    }
}
