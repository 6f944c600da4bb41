// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Faults;

/// <summary>
/// The same answers as <see cref="InfrastructureFaultMiddleware"/> and <see cref="MalformedRequestMiddleware"/> under
/// the developer exception page. <c>WebApplication</c> puts that page inside every startup filter's middleware in
/// Development, so it would catch a dependency outage or an unreadable form first and answer 500 with the stack trace:
/// in Development a bank would see other answers than in Production. Anything else goes on to the page.
/// </summary>
internal sealed class DcrDeveloperPageExceptionFilter : IDeveloperPageExceptionFilter
{
    private readonly ILogger _infrastructure;
    private readonly ILogger _malformed;

    public DcrDeveloperPageExceptionFilter(ILogger<InfrastructureFaultMiddleware> infrastructure, ILogger<MalformedRequestMiddleware> malformed)
    {
        _infrastructure = infrastructure;
        _malformed = malformed;
    }

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        ArgumentNullException.ThrowIfNull(next);
        var context = errorContext.HttpContext;
        var exception = errorContext.Exception;
        if (DcrFaultAnswers.CanAnswer(context))
        {
            if (InfrastructureFaultMiddleware.IsInfrastructureFault(exception))
            {
                await DcrFaultAnswers.WriteUnavailableAsync(context, exception, _infrastructure).ConfigureAwait(false);
                return;
            }

            if (MalformedRequestMiddleware.Find(exception) is { } cause)
            {
                await DcrFaultAnswers.WriteUnreadableAsync(context, cause, MalformedRequestMiddleware.Status(cause), _malformed).ConfigureAwait(false);
                return;
            }
        }

        await next(errorContext).ConfigureAwait(false);
    }
}
