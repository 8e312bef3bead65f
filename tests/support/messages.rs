//! Hand-built customer messages for the tests.

/// A plain UTF-8 customer message.
pub fn customer_mail(n: usize, from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Customer {n} <{from}>\r\n\
         To: Shop <shop@example.test>\r\n\
         Subject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 10:{min:02}:00 +0000\r\n\
         Message-ID: <c{n}.{tag}@customer.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         {body}\r\n",
        min = n % 60,
        tag = subject.len(),
    )
    .into_bytes()
}

/// A reply by the same customer, threaded by In-Reply-To.
pub fn customer_reply(n: usize, from: &str, subject: &str, parent_id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Customer <{from}>\r\n\
         To: shop@example.test\r\n\
         Subject: Re: {subject}\r\n\
         Date: Tue, 24 Nov 2026 11:{min:02}:00 +0000\r\n\
         Message-ID: <r{n}@customer.example>\r\n\
         In-Reply-To: <{parent_id}>\r\n\
         References: <{parent_id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         {body}\r\n",
        min = n % 60,
    )
    .into_bytes()
}

/// `count` distinct messages from a handful of customers, numbered from `start`.
pub fn batch(start: usize, count: usize) -> Vec<Vec<u8>> {
    (start..start + count)
        .map(|i| {
            customer_mail(
                i,
                &format!("buyer{}@customer.example", i % 7),
                &format!("Order #{} has not arrived", 10_000 + i),
                &format!("Hello, my order #{} is late. Where is it?", 10_000 + i),
            )
        })
        .collect()
}
