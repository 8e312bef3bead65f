//! A tree sink that builds html2text's DOM and notices when the document nests deeper
//! than allowed. html5ever's tree builder scans its stack of open elements on most tags,
//! so its cost grows with the square of the nesting depth and nothing in it caps the
//! depth. The depth is measured on the parser's own tree rather than by a scan of the
//! markup: a scanner that re-implements the tokenizer (`<div/>` opens a div, `</p>`
//! creates one, foreign content closes on `/>`, ...) would let some nesting through.
//!
//! Every node inserted has its ancestors walked, at most one past the limit, so the
//! extra cost is bounded by the limit per node. Nothing is cached: the adoption agency
//! moves nodes between parents, so a stored depth would go stale. The stack of open
//! elements is a subsequence of the current node's ancestors, so bounding the tree's
//! depth bounds the stack the tree builder scans.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use html2text::{Handle, RcDom};
use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, ExpandedName, QualName};

pub(super) struct DepthGuard {
    dom: RcDom,
    limit: usize,
    too_deep: Rc<Cell<bool>>,
    /// Template contents hang off no parent in the DOM: each is mapped (by address) to
    /// its template, so that a `<template>` cannot restart the count. Holding the
    /// template keeps the address from being reused.
    templates: RefCell<HashMap<usize, Handle>>,
}

impl DepthGuard {
    /// A sink that sets `too_deep` once an element would sit deeper than `limit`.
    pub fn new(limit: usize, too_deep: Rc<Cell<bool>>) -> DepthGuard {
        DepthGuard {
            dom: RcDom::default(),
            limit,
            too_deep,
            templates: RefCell::default(),
        }
    }

    /// Notes a node about to be inserted at `depth_of(at) + below`.
    fn check(&self, at: &Handle, below: usize) {
        if self.too_deep.get() {
            return;
        }
        if self.depth_of(at) + below > self.limit {
            self.too_deep.set(true);
        }
    }

    /// Ancestors of `node` up to the document, counting at most `limit + 1`.
    fn depth_of(&self, node: &Handle) -> usize {
        let mut depth = 0;
        let mut current = Rc::clone(node);
        while depth <= self.limit {
            let parent = current.get_parent().or_else(|| {
                self.templates
                    .borrow()
                    .get(&address(&current))
                    .map(Rc::clone)
            });
            match parent {
                Some(p) => {
                    depth += 1;
                    current = p;
                }
                None => break,
            }
        }
        depth
    }
}

fn address(h: &Handle) -> usize {
    Rc::as_ptr(h).cast::<()>() as usize
}

/// Everything but the depth check is RcDom's own behaviour.
impl TreeSink for DepthGuard {
    type Handle = Handle;
    type Output = RcDom;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> RcDom {
        self.dom
    }

    // A hostile document can hold millions of errors; html2text never reads them.
    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        self.dom.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        self.dom.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.dom.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.dom.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.dom.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        if matches!(child, NodeOrText::AppendNode(_)) {
            self.check(parent, 1);
        }
        self.dom.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        if matches!(child, NodeOrText::AppendNode(_)) {
            match element.get_parent() {
                Some(_) => self.check(element, 0),
                None => self.check(prev_element, 1),
            }
        }
        self.dom
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.dom
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.dom.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.dom.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let contents = self.dom.get_template_contents(target);
        self.templates
            .borrow_mut()
            .entry(address(&contents))
            .or_insert_with(|| Rc::clone(target));
        contents
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.dom.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.dom.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        if matches!(new_node, NodeOrText::AppendNode(_)) {
            self.check(sibling, 0);
        }
        self.dom.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.dom.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Handle,
        form: &Handle,
        nodes: (&Handle, Option<&Handle>),
    ) {
        self.dom.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.dom.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        // the moved children now sit one below `new_parent`
        if !node.children.borrow().is_empty() {
            self.check(new_parent, 1);
        }
        self.dom.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.dom.is_mathml_annotation_xml_integration_point(handle)
    }
}
